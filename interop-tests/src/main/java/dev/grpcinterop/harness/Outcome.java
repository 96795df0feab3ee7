package dev.grpcinterop.harness;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.rpc.BadRequest;
import dev.grpcinterop.calculator.v1.CalculatorProto;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * What a call produced, in the terms the contract fixes: the response messages (compared as
 * messages, so that NaN payloads and field order do not matter), the status code, the message where
 * the contract fixes it, the rich status details, and the echoed test metadata.
 */
public record Outcome(
    List<String> responses, String status, String details, List<String> echoedMetadata) {

  private static final com.google.protobuf.TypeRegistry TYPES =
      com.google.protobuf.TypeRegistry.newBuilder()
          .add(CalculatorProto.getDescriptor().getMessageTypes())
          .add(BadRequest.getDescriptor())
          .build();

  public static Outcome of(RunCallResponse observed, boolean contractMessage) {
    List<String> responses = new ArrayList<>();
    for (Any any : observed.getResponsesList()) {
      responses.add(text(any));
    }
    Status.Code code = Status.fromCodeValue(observed.getStatus().getCode()).getCode();
    // The contract fixes error messages; on OK some libraries send "OK" (grpc-js), others nothing.
    String status =
        contractMessage && code != Status.Code.OK
            ? code + " \"" + observed.getStatus().getMessage() + "\""
            : code.toString();
    String details = "";
    if (!observed.getStatus().getDetails().isEmpty()) {
      try {
        var rich = com.google.rpc.Status.parseFrom(observed.getStatus().getDetails());
        details = printer().printToString(rich);
      } catch (InvalidProtocolBufferException malformed) {
        details = "malformed grpc-status-details-bin: " + malformed.getMessage();
      }
    }
    List<String> echoed = new ArrayList<>();
    for (MetadataEntry entry : observed.getHeadersList()) {
      if (entry.getKey().startsWith("x-grpc-test-echo")) {
        echoed.add("header " + printer().printToString(entry));
      }
    }
    for (MetadataEntry entry : observed.getTrailersList()) {
      if (entry.getKey().startsWith("x-grpc-test-echo")) {
        echoed.add("trailer " + printer().printToString(entry));
      }
    }
    return new Outcome(responses, status, details, echoed);
  }

  private static String text(Any any) {
    try {
      var descriptor = TYPES.getDescriptorForTypeUrl(any.getTypeUrl());
      if (descriptor == null) {
        return "unknown type " + any.getTypeUrl();
      }
      Message message =
          com.google.protobuf.DynamicMessage.parseFrom(descriptor, any.getValue());
      // Text form compares NaN payloads alike and shows a person exactly what differed.
      return descriptor.getName() + " {" + printer().printToString(message) + "}";
    } catch (InvalidProtocolBufferException malformed) {
      return "malformed " + any.getTypeUrl() + ": " + malformed.getMessage();
    }
  }

  private static TextFormat.Printer printer() {
    return TextFormat.printer().emittingSingleLine(true).usingTypeRegistry(TYPES);
  }
}
