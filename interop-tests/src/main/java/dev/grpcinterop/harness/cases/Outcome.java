package dev.grpcinterop.harness.cases;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import com.google.rpc.BadRequest;
import dev.grpcinterop.calculator.v1.CalculatorProto;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.PeerControlProto;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A call's result in the terms the contract fixes, as text a person can compare: the response
 * messages (parsed, so that NaN payloads and encoding choices do not matter), the status code, its
 * message where the contract fixes it, the {@code google.rpc.Status} details, and the echoed test
 * metadata. An expectation is an Outcome built from the contract; an observation is one built from
 * what a client reported.
 */
public record Outcome(List<String> responses, String status, String details, List<String> echoedMetadata) {

  private static final TypeRegistry TYPES =
      TypeRegistry.newBuilder()
          .add(CalculatorProto.getDescriptor().getMessageTypes())
          .add(PeerControlProto.getDescriptor().getMessageTypes())
          .add(BadRequest.getDescriptor())
          .build();
  private static final TextFormat.Printer PRINTER =
      TextFormat.printer().emittingSingleLine(true).usingTypeRegistry(TYPES);

  /** What a client reported; {@code contractMessage} false compares the status code alone. */
  public static Outcome observed(RunCallResponse observed, boolean contractMessage) {
    return observed(observed, contractMessage, TYPES);
  }

  /**
   * What a client reported, reading its responses as the client meant them: with the types of the
   * contract it was built from ({@code clientTypes}), so that an old client that misreads a changed
   * field shows the value it read.
   */
  public static Outcome observed(RunCallResponse observed, boolean contractMessage, TypeRegistry clientTypes) {
    List<String> responses = new ArrayList<>();
    for (Any any : observed.getResponsesList()) {
      responses.add(text(any, clientTypes));
    }
    Status.Code code = Status.fromCodeValue(observed.getStatus().getCode()).getCode();
    // The contract fixes error messages; on OK some libraries send "OK" (grpc-js), others nothing.
    String status =
        contractMessage && code != Status.Code.OK
            ? status(code, observed.getStatus().getMessage())
            : code.toString();
    String details = "";
    if (!observed.getStatus().getDetails().isEmpty()) {
      try {
        details = PRINTER.printToString(com.google.rpc.Status.parseFrom(observed.getStatus().getDetails()));
      } catch (InvalidProtocolBufferException malformed) {
        details = "malformed grpc-status-details-bin: " + malformed.getMessage();
      }
    }
    List<String> echoed = new ArrayList<>();
    observed.getHeadersList().stream().filter(Outcome::isEcho).forEach(e -> echoed.add("header " + PRINTER.printToString(e)));
    observed.getTrailersList().stream().filter(Outcome::isEcho).forEach(e -> echoed.add("trailer " + PRINTER.printToString(e)));
    return new Outcome(responses, status, details, echoed);
  }

  /** Success with these responses, in order. */
  public static Outcome ok(Message... responses) {
    List<String> texts = new ArrayList<>();
    for (Message response : responses) {
      texts.add(text(Any.pack(response)));
    }
    return new Outcome(texts, Status.Code.OK.toString(), "", List.of());
  }

  /** Success with these responses received as raw bytes (raw mode reports no type). */
  public static Outcome okRaw(Message... responses) {
    List<String> texts = new ArrayList<>();
    for (Message response : responses) {
      texts.add(text(Any.newBuilder().setValue(response.toByteString()).build()));
    }
    return new Outcome(texts, Status.Code.OK.toString(), "", List.of());
  }

  /** A contract error with one field violation, as a google.rpc.Status in the trailers. */
  public static Outcome error(Status.Code code, String message, String field, String description) {
    var violation = BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description);
    var rich =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(message)
            .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(violation).build()))
            .build();
    return new Outcome(List.of(), status(code, message), PRINTER.printToString(rich), List.of());
  }

  /** A contract error without details, still carried as a google.rpc.Status. */
  public static Outcome error(Status.Code code, String message) {
    var rich = com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message).build();
    return new Outcome(List.of(), status(code, message), PRINTER.printToString(rich), List.of());
  }

  /** A status whose message is the library's own: only the code is the contract's. */
  public static Outcome code(Status.Code code, Message... responses) {
    return new Outcome(ok(responses).responses(), code.toString(), "", List.of());
  }

  /** A status with exactly this message and no details. */
  public static Outcome status(Status.Code code, String message, boolean exactMessage) {
    return new Outcome(List.of(), exactMessage ? status(code, message) : code.toString(), "", List.of());
  }

  public Outcome withEcho(MetadataEntry header, MetadataEntry trailer) {
    return new Outcome(
        responses,
        status,
        details,
        List.of("header " + PRINTER.printToString(header), "trailer " + PRINTER.printToString(trailer)));
  }

  private static String status(Status.Code code, String message) {
    return code + " \"" + message + "\"";
  }

  private static boolean isEcho(MetadataEntry entry) {
    return entry.getKey().startsWith("x-grpc-test-echo");
  }

  private static String text(Any any) {
    return text(any, TYPES);
  }

  private static String text(Any any, TypeRegistry types) {
    if (any.getTypeUrl().isEmpty()) {
      return "bytes " + HexFormat.of().formatHex(any.getValue().toByteArray());
    }
    try {
      var descriptor = types.getDescriptorForTypeUrl(any.getTypeUrl());
      if (descriptor == null) {
        return "unknown type " + any.getTypeUrl();
      }
      Message message = com.google.protobuf.DynamicMessage.parseFrom(descriptor, any.getValue());
      return descriptor.getName() + " {" + PRINTER.printToString(message) + "}";
    } catch (InvalidProtocolBufferException malformed) {
      return "malformed " + any.getTypeUrl() + ": " + malformed.getMessage();
    }
  }
}
