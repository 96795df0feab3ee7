package dev.grpcinterop.harness.cases.generated;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Requests for any method, made from its descriptors alone, the same for the same seed: the first
 * is the empty message; the others fill fields with the values where languages part ways (int64
 * beyond 2^53, unsigned maxima, NaN, -0.0, infinities, subnormals, control characters and non-BMP
 * text, enum values the contract does not name, empty and nested messages, oneofs). A streaming
 * method is sent 0, 1 or several messages. Durations stay under 50 ms, so that a server that waits
 * on one keeps the call short; an Any holds an Empty.
 */
public final class RequestGenerator {
  private static final int MAX_DEPTH = 3;
  private static final long[] INT64 = {
    0,
    1,
    -1,
    42,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    (1L << 53) + 1,
    -(1L << 53) - 1,
    1_000_000_000_000L
  };
  private static final int[] INT32 = {0, 1, -1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE};
  private static final double[] DOUBLES = {
    0.0,
    -0.0,
    1.5,
    -2.25,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    1e-300,
    9007199254740993.0
  };
  private static final float[] FLOATS = {
    0f,
    -0f,
    1.5f,
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MIN_VALUE,
    Float.MAX_VALUE
  };
  private static final String[] STRINGS = {
    "",
    "a",
    "tab\tnew line\ncarriage return\r",
    "nul \u0000 inside",
    "non-BMP \uD83D\uDE08 and BMP \u263A",
    "\u00e9t\u00e9",
    "x".repeat(300)
  };

  private final SplittableRandom random;

  private RequestGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * {@code count} request sequences for {@code method}, each one message for a method that is not
   * client streaming. The same seed, method and count give the same requests.
   */
  public static List<List<Message>> requests(MethodDescriptor method, long seed, int count) {
    var generator = new RequestGenerator(seed ^ method.getFullName().hashCode());
    List<List<Message>> sequences = new ArrayList<>();
    Descriptor input = method.getInputType();
    for (int i = 0; i < count; i++) {
      if (!method.isClientStreaming()) {
        sequences.add(
            List.of(
                i == 0 ? DynamicMessage.getDefaultInstance(input) : generator.message(input, 0)));
        continue;
      }
      // 0, 1, then several messages.
      int length = i == 0 ? 0 : i == 1 ? 1 : 2 + generator.random.nextInt(3);
      List<Message> sequence = new ArrayList<>();
      for (int m = 0; m < length; m++) {
        sequence.add(generator.message(input, 0));
      }
      sequences.add(sequence);
    }
    return sequences;
  }

  private Message message(Descriptor type, int depth) {
    var builder = DynamicMessage.newBuilder(type);
    if (type.getFullName().equals("google.protobuf.Duration")) {
      return duration(builder, type);
    }
    if (type.getFullName().equals("google.protobuf.Timestamp")) {
      return timestamp(builder, type);
    }
    if (type.getFullName().equals("google.protobuf.Any")) {
      // Random bytes under a random type URL would test only how a server treats garbage in an Any;
      // an Empty, which every runtime knows, keeps the rest of the request meaningful.
      builder.setField(
          type.findFieldByName("type_url"), "type.googleapis.com/google.protobuf.Empty");
      return builder.build();
    }
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      int pick = random.nextInt(oneof.getFieldCount() + 1);
      if (pick < oneof.getFieldCount()) {
        set(builder, oneof.getField(pick), depth);
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getRealContainingOneof() != null) {
        continue;
      }
      // Each other field is set about two times in three, so that absence is generated too.
      if (random.nextInt(3) > 0) {
        set(builder, field, depth);
      }
    }
    return builder.build();
  }

  private void set(DynamicMessage.Builder builder, FieldDescriptor field, int depth) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
      return;
    }
    if (field.isRepeated()) {
      int count = random.nextInt(4);
      for (int i = 0; i < count; i++) {
        builder.addRepeatedField(field, value(field, depth));
      }
      return;
    }
    builder.setField(field, value(field, depth));
  }

  private Object value(FieldDescriptor field, int depth) {
    return switch (field.getType()) {
      case INT64, SINT64, SFIXED64 -> INT64[random.nextInt(INT64.length)];
      case UINT64, FIXED64 -> random.nextBoolean() ? -1L : INT64[random.nextInt(INT64.length)];
      case INT32, SINT32, SFIXED32 -> INT32[random.nextInt(INT32.length)];
      case UINT32, FIXED32 -> random.nextBoolean() ? -1 : INT32[random.nextInt(INT32.length)];
      case DOUBLE -> DOUBLES[random.nextInt(DOUBLES.length)];
      case FLOAT -> FLOATS[random.nextInt(FLOATS.length)];
      case BOOL -> random.nextBoolean();
      case STRING -> STRINGS[random.nextInt(STRINGS.length)];
      case BYTES -> bytes();
      case ENUM -> enumValue(field.getEnumType());
      case MESSAGE, GROUP -> message(field.getMessageType(), depth + 1);
    };
  }

  private ByteString bytes() {
    byte[] bytes = new byte[random.nextInt(5)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return ByteString.copyFrom(bytes);
  }

  /**
   * A declared value, or, one time in four for an open enum, a number the contract does not name.
   */
  private EnumValueDescriptor enumValue(EnumDescriptor type) {
    if (!type.isClosed() && random.nextInt(4) == 0) {
      int unnamed =
          type.getValues().stream().mapToInt(EnumValueDescriptor::getNumber).max().orElse(0)
              + 1
              + random.nextInt(90);
      return type.findValueByNumberCreatingIfUnknown(unnamed);
    }
    return type.getValues().get(random.nextInt(type.getValues().size()));
  }

  private Message duration(DynamicMessage.Builder builder, Descriptor type) {
    builder.setField(type.findFieldByName("nanos"), random.nextInt(50) * 1_000_000);
    return builder.build();
  }

  private Message timestamp(DynamicMessage.Builder builder, Descriptor type) {
    // Between 1970 and 2100: every library's range.
    builder.setField(type.findFieldByName("seconds"), random.nextLong(4_102_444_800L));
    builder.setField(type.findFieldByName("nanos"), random.nextInt(1_000_000_000));
    return builder.build();
  }
}
