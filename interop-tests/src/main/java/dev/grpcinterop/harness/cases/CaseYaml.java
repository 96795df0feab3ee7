package dev.grpcinterop.harness.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.MetadataEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The YAML of one case, read field by field: messages in the contract's JSON mapping, metadata,
 * durations, lists; every mistake a {@link CaseFileException} that says where it is.
 */
public final class CaseYaml {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

  private final Contract contract;
  private final JsonFormat.Parser json;
  private String where;

  public CaseYaml(String where, Contract contract) {
    this.where = where;
    this.contract = contract;
    this.json = JsonFormat.parser().usingTypeRegistry(contract.types());
  }

  /** From now on, mistakes are said to be at {@code where}. */
  public void at(String where) {
    this.where = where;
  }

  public Contract contract() {
    return contract;
  }

  /** A message of {@code type} from its JSON mapping, with {"$range": ...} lists expanded first. */
  public Message message(JsonNode node, Descriptor type, String what) {
    var builder = DynamicMessage.newBuilder(type);
    try {
      JsonNode expanded = expandRanges(node, what);
      json.merge(expanded.toString(), builder);
      NegativeZeros.restore(expanded, builder);
    } catch (InvalidProtocolBufferException | RuntimeException invalid) {
      throw fail(
          what
              + " is not a "
              + type.getFullName()
              + " in the protobuf JSON mapping: "
              + invalid.getMessage());
    }
    return builder.build();
  }

  /** An error detail: a google.protobuf.Any in the JSON mapping, with its "@type". */
  Message detail(JsonNode node, String what) {
    String typeUrl = node.path("@type").asText("");
    Descriptor type =
        contract
            .message(typeUrl.substring(typeUrl.lastIndexOf('/') + 1))
            .orElseThrow(
                () ->
                    fail(
                        what
                            + " needs an \"@type\" naming a message of the contract or google.rpc, such as"
                            + " type.googleapis.com/google.rpc.BadRequest; it has \""
                            + typeUrl
                            + "\""));
    ObjectNode fields = ((ObjectNode) node).deepCopy();
    fields.remove("@type");
    return message(fields, type, what);
  }

  private JsonNode expandRanges(JsonNode node, String what) {
    if (node.isObject() && node.size() == 1 && node.has("$range")) {
      JsonNode range = node.get("$range");
      if (!range.has("start") || !range.has("step") || !range.has("count")) {
        throw fail(
            what
                + ": a $range needs start, step and count, as in {$range: {start: 0, step: 0.5, count: 1000}}");
      }
      ArrayNode values = JsonNodeFactory.instance.arrayNode();
      double start = range.get("start").asDouble();
      double step = range.get("step").asDouble();
      for (int i = 0; i < range.get("count").asInt(); i++) {
        values.add(start + i * step);
      }
      return values;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(f -> copy.set(f.getKey(), expandRanges(f.getValue(), what)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(expandRanges(element, what)));
      return copy;
    }
    return node;
  }

  /** Keys in order; a key ending "-bin" carries base64, as gRPC sends binary metadata. */
  List<MetadataEntry> metadata(JsonNode node, String what) {
    if (node.isMissingNode()) {
      return List.of();
    }
    if (!node.isObject()) {
      throw fail(what + " is a mapping of metadata keys to values");
    }
    List<MetadataEntry> entries = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            field -> {
              String key = field.getKey();
              var entry = MetadataEntry.newBuilder().setKey(key);
              if (key.endsWith("-bin")) {
                try {
                  entry.setBinary(
                      ByteString.copyFrom(Base64.getDecoder().decode(field.getValue().asText())));
                } catch (IllegalArgumentException notBase64) {
                  throw fail(
                      what
                          + " "
                          + key
                          + ": a -bin key's value is base64, and \""
                          + field.getValue().asText()
                          + "\" is not");
                }
              } else {
                entry.setText(field.getValue().asText());
              }
              entries.add(entry.build());
            });
    return entries;
  }

  public Duration duration(JsonNode node, String key, Duration absent) {
    if (!node.has(key)) {
      return absent;
    }
    Matcher matcher = DURATION.matcher(node.get(key).asText());
    if (!matcher.matches()) {
      throw fail(
          key + " \"" + node.get(key).asText() + "\" is not a duration such as 500ms, 5s or 1.5s");
    }
    double amount = Double.parseDouble(matcher.group(1));
    double millis =
        switch (matcher.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1000;
          default -> amount * 60_000;
        };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  Set<String> strings(JsonNode node, String what) {
    Set<String> values = new LinkedHashSet<>();
    if (!node.isMissingNode()) {
      list(node, what).forEach(value -> values.add(value.asText()));
    }
    return values;
  }

  Pattern pattern(String regex, String what) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException invalid) {
      throw fail(what + " is not a regular expression: " + invalid.getDescription());
    }
  }

  public List<JsonNode> list(JsonNode node, String what) {
    if (!node.isArray()) {
      throw fail(what + " must be a list");
    }
    List<JsonNode> elements = new ArrayList<>();
    node.forEach(elements::add);
    return elements;
  }

  public static String text(JsonNode node, String key, String absent) {
    return node.has(key) && !node.get(key).isNull() ? node.get(key).asText() : absent;
  }

  public void unknownKeys(JsonNode node, Set<String> known, String what) {
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (!known.contains(key)) {
                throw fail(
                    "unknown key \""
                        + key
                        + "\" in "
                        + what
                        + "; the keys are "
                        + new java.util.TreeSet<>(known));
              }
            });
  }

  public CaseFileException fail(String problem) {
    return new CaseFileException(where + ": " + problem + ".");
  }
}
