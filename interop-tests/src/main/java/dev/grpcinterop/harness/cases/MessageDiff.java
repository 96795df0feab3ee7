package dev.grpcinterop.harness.cases;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.grpcinterop.harness.cases.Expectation.FieldRules;
import dev.grpcinterop.harness.cases.Mismatch.Difference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field-by-field comparison of an expected message with an observed one. Fields are matched by
 * name, not by descriptor, so that a message read with another version of the contract (an old
 * client's) compares with one built from the current contract. Doubles compare as values where NaN
 * equals NaN and -0.0 differs from 0.0, as the contract's arithmetic does.
 */
final class MessageDiff {
  /** More than this many differences in one repeated field are summed up, not listed. */
  private static final int LISTED_PER_FIELD = 5;

  private MessageDiff() {}

  static List<Difference> diff(String where, Message expected, Message observed, FieldRules rules) {
    List<Difference> out = new ArrayList<>();
    compareMessages(where, "", expected, observed, rules, out);
    return out;
  }

  private static void compareMessages(
      String where,
      String rulePath,
      Message expected,
      Message observed,
      FieldRules rules,
      List<Difference> out) {
    Descriptor expectedType = expected.getDescriptorForType();
    Descriptor observedType = observed.getDescriptorForType();
    if (!expectedType.getFullName().equals(observedType.getFullName())) {
      out.add(new Difference(where, "a " + expectedType.getFullName(), Values.show(observed)));
      return;
    }
    for (FieldDescriptor field : expectedType.getFields()) {
      String path = rulePath.isEmpty() ? field.getName() : rulePath + "." + field.getName();
      String place = where.isEmpty() ? path : where + "." + field.getName();
      if (rules.ignore().contains(path)) {
        continue;
      }
      FieldDescriptor other = observedType.findFieldByName(field.getName());
      if (other == null) {
        // A field the client's (older) contract does not declare reaches it as an unknown field:
        // what it must see is the expected message as its contract reads it, without that field.
        continue;
      }
      if (rules.present().contains(path)) {
        if (!isSet(observed, other)) {
          out.add(new Difference(place, "a value", "unset"));
        }
        continue;
      }
      if (field.isRepeated()) {
        compareRepeated(place, path, field, expected, other, observed, rules, out);
      } else {
        compareSingular(place, path, field, expected, other, observed, rules, out);
      }
    }
    for (FieldDescriptor extra : observedType.getFields()) {
      if (expectedType.findFieldByName(extra.getName()) == null && isSet(observed, extra)) {
        String place = (where.isEmpty() ? "" : where + ".") + extra.getName();
        out.add(new Difference(place, "no such field", Values.show(observed.getField(extra))));
      }
    }
  }

  private static void compareSingular(
      String place,
      String path,
      FieldDescriptor field,
      Message expected,
      FieldDescriptor other,
      Message observed,
      FieldRules rules,
      List<Difference> out) {
    boolean tracksPresence = field.hasPresence() && other.hasPresence();
    boolean expectedSet = expected.hasField(field);
    boolean observedSet = observed.hasField(other);
    if (tracksPresence && expectedSet != observedSet) {
      out.add(
          new Difference(
              place,
              expectedSet ? Values.show(expected.getField(field)) : "unset",
              observedSet ? Values.show(observed.getField(other)) : "unset"));
      return;
    }
    if (tracksPresence && !expectedSet) {
      return;
    }
    compareValues(
        place, path, field, expected.getField(field), observed.getField(other), rules, out);
  }

  private static void compareRepeated(
      String place,
      String path,
      FieldDescriptor field,
      Message expected,
      FieldDescriptor other,
      Message observed,
      FieldRules rules,
      List<Difference> out) {
    List<Object> want = elements(expected, field);
    List<Object> got = elements(observed, other);
    if (field.isMapField()) {
      // A map's entries come in any order on the wire.
      want.sort(Comparator.comparing(MessageDiff::mapKey));
      got.sort(Comparator.comparing(MessageDiff::mapKey));
    }
    if (want.size() != got.size()) {
      out.add(
          new Difference(
              place,
              want.size() + " values " + Values.show(want),
              got.size() + " values " + Values.show(got)));
      return;
    }
    List<Difference> differences = new ArrayList<>();
    for (int i = 0; i < want.size(); i++) {
      compareValues(
          place + "[" + i + "]", path, field, want.get(i), got.get(i), rules, differences);
    }
    out.addAll(differences.subList(0, Math.min(LISTED_PER_FIELD, differences.size())));
    if (differences.size() > LISTED_PER_FIELD) {
      out.add(
          new Difference(
              place,
              "the other values as listed",
              (differences.size() - LISTED_PER_FIELD) + " more values differ"));
    }
  }

  private static void compareValues(
      String place,
      String path,
      FieldDescriptor field,
      Object want,
      Object got,
      FieldRules rules,
      List<Difference> out) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      compareMessages(place, path, (Message) want, (Message) got, rules, out);
      return;
    }
    if (!sameValue(path, want, got, rules)) {
      Pattern pattern = rules.patterns().get(path);
      out.add(
          new Difference(
              place,
              pattern != null ? "a match for /" + pattern + "/" : Values.show(want),
              Values.show(got)));
    }
  }

  private static boolean sameValue(String path, Object want, Object got, FieldRules rules) {
    Pattern pattern = rules.patterns().get(path);
    if (pattern != null) {
      return got instanceof String text && pattern.matcher(text).find();
    }
    if (want instanceof Double || want instanceof Float) {
      double a = ((Number) want).doubleValue();
      double b = ((Number) got).doubleValue();
      Double tolerance = rules.tolerance().get(path);
      if (tolerance != null) {
        return (Double.isNaN(a) && Double.isNaN(b)) || Math.abs(a - b) <= tolerance;
      }
      return Double.compare(a, b) == 0;
    }
    if (want instanceof Long || want instanceof Integer) {
      long a = ((Number) want).longValue();
      long b = ((Number) got).longValue();
      Double tolerance = rules.tolerance().get(path);
      return tolerance != null ? Math.abs((double) a - b) <= tolerance : a == b;
    }
    if (want instanceof EnumValueDescriptor a && got instanceof EnumValueDescriptor b) {
      return a.getNumber() == b.getNumber();
    }
    return want.equals(got);
  }

  /** Set, in the sense that matters on the wire: present, or not the default, or not empty. */
  private static boolean isSet(Message message, FieldDescriptor field) {
    if (field.isRepeated()) {
      return message.getRepeatedFieldCount(field) > 0;
    }
    if (field.hasPresence()) {
      return message.hasField(field);
    }
    return !message.getField(field).equals(field.getDefaultValue());
  }

  private static List<Object> elements(Message message, FieldDescriptor field) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
      values.add(message.getRepeatedField(field, i));
    }
    return values;
  }

  private static String mapKey(Object entry) {
    Message message = (Message) entry;
    return String.valueOf(message.getField(message.getDescriptorForType().findFieldByName("key")));
  }
}
