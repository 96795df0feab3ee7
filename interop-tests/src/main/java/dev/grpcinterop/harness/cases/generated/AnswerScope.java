package dev.grpcinterop.harness.cases.generated;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.grpcinterop.harness.cases.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What of a method's answers the consensus compares: everything, by default; for a method whose
 * answers legitimately differ, only the status code, or everything but some response fields (an id,
 * a timestamp). Pure.
 *
 * @param ignoreFields dotted paths of response fields ("order.id") left out, in repeated messages
 *     too
 */
public record AnswerScope(List<String> ignoreFields, boolean statusOnly) {
  public static final AnswerScope EVERYTHING = new AnswerScope(List.of(), false);

  public AnswerScope {
    ignoreFields = List.copyOf(ignoreFields);
  }

  /** The observation with what is out of scope removed. */
  public Observation apply(Observation observed) {
    if (statusOnly) {
      return new Observation(
          List.of(),
          observed.code(),
          "",
          Optional.empty(),
          "",
          observed.headers(),
          observed.trailers(),
          observed.elapsed(),
          observed.server());
    }
    if (ignoreFields.isEmpty()) {
      return observed;
    }
    List<Message> responses = new ArrayList<>();
    for (Message response : observed.responses()) {
      Message kept = response;
      for (String path : ignoreFields) {
        kept = without(kept, path.split("\\."), 0);
      }
      responses.add(kept);
    }
    return new Observation(
        responses,
        observed.code(),
        observed.message(),
        observed.richStatus(),
        observed.detailsProblem(),
        observed.headers(),
        observed.trailers(),
        observed.elapsed(),
        observed.server());
  }

  private static Message without(Message message, String[] path, int at) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(path[at]);
    if (field == null) {
      return message;
    }
    Message.Builder builder = message.toBuilder();
    if (at == path.length - 1) {
      return builder.clearField(field).build();
    }
    if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
      return message;
    }
    if (field.isRepeated()) {
      for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
        builder.setRepeatedField(
            field, i, without((Message) message.getRepeatedField(field, i), path, at + 1));
      }
    } else if (message.hasField(field)) {
      builder.setField(field, without((Message) message.getField(field), path, at + 1));
    }
    return builder.build();
  }
}
