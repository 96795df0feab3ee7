package dev.grpcinterop.harness.cases;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import java.util.HexFormat;
import java.util.List;

/** Field values as a person reads them in a failure message: short, exact, every byte visible. */
final class Values {
  private static final int LONGEST = 200;
  private static final TextFormat.Printer PRINTER = TextFormat.printer().emittingSingleLine(true);

  private Values() {}

  static String show(Object value) {
    if (value instanceof String text) {
      return '"' + quoteless(text) + '"';
    }
    if (value instanceof ByteString bytes) {
      return "bytes " + cut(HexFormat.of().formatHex(bytes.toByteArray()));
    }
    if (value instanceof EnumValueDescriptor enumValue) {
      return enumValue.getIndex() < 0 || enumValue.getName().startsWith("UNKNOWN_ENUM_VALUE")
          ? Integer.toString(enumValue.getNumber())
          : enumValue.getName();
    }
    if (value instanceof Message message) {
      return message.getDescriptorForType().getName()
          + " {"
          + cut(PRINTER.printToString(message))
          + "}";
    }
    if (value instanceof List<?> list) {
      String head = list.stream().limit(5).map(Values::show).toList().toString();
      return list.size() <= 5 ? head : head.replace("]", ", …] (" + list.size() + " values)");
    }
    return String.valueOf(value);
  }

  /**
   * Tabs, line breaks and other control characters escaped, so that a message reads on one line.
   */
  static String quoteless(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                  if (Character.isISOControl(c)) {
                    out.append(String.format("\\u%04x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return cut(out.toString());
  }

  private static String cut(String text) {
    return text.length() <= LONGEST
        ? text
        : text.substring(0, LONGEST) + "… (" + text.length() + " characters)";
  }
}
