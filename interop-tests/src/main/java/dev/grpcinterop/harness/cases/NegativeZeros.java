package dev.grpcinterop.harness.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Iterator;
import java.util.Map;

/**
 * Puts back the -0.0 values that protobuf's JSON parser loses: it reads numbers through BigDecimal,
 * which has no negative zero, and the contract's arithmetic tells -0.0 from 0.0.
 */
final class NegativeZeros {
  private NegativeZeros() {}

  static void restore(JsonNode json, Message.Builder message) {
    if (!json.isObject()) {
      return;
    }
    Descriptor type = message.getDescriptorForType();
    for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = fields.next();
      FieldDescriptor field = field(type, entry.getKey());
      if (field == null || field.isMapField()) {
        continue;
      }
      JsonNode value = entry.getValue();
      boolean floating =
          field.getType() == FieldDescriptor.Type.DOUBLE
              || field.getType() == FieldDescriptor.Type.FLOAT;
      if (field.isRepeated() && value.isArray()) {
        for (int i = 0; i < value.size() && i < message.getRepeatedFieldCount(field); i++) {
          if (floating && isNegativeZero(value.get(i))) {
            message.setRepeatedField(field, i, zero(field));
          } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            Message.Builder element = ((Message) message.getRepeatedField(field, i)).toBuilder();
            restore(value.get(i), element);
            message.setRepeatedField(field, i, element.build());
          }
        }
      } else if (floating && isNegativeZero(value)) {
        message.setField(field, zero(field));
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && message.hasField(field)) {
        Message.Builder nested = ((Message) message.getField(field)).toBuilder();
        restore(value, nested);
        message.setField(field, nested.build());
      }
    }
  }

  private static FieldDescriptor field(Descriptor type, String jsonKey) {
    FieldDescriptor byName = type.findFieldByName(jsonKey);
    if (byName != null) {
      return byName;
    }
    return type.getFields().stream()
        .filter(f -> f.getJsonName().equals(jsonKey))
        .findFirst()
        .orElse(null);
  }

  private static boolean isNegativeZero(JsonNode value) {
    if (value.isNumber()) {
      return Double.doubleToRawLongBits(value.asDouble()) == Double.doubleToRawLongBits(-0.0);
    }
    return value.isTextual() && (value.asText().equals("-0") || value.asText().equals("-0.0"));
  }

  private static Object zero(FieldDescriptor field) {
    return field.getType() == FieldDescriptor.Type.FLOAT ? (Object) (-0.0f) : (Object) (-0.0);
  }
}
