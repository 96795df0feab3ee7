package dev.grpcinterop.harness.cases;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a client reported of one call, decoded in the terms of the contract that client was built
 * from (an old client's view of a changed field is what it read), and what the server saw of it
 * where the case asked. A value: judged by {@link ExpectationCheck}, shown by the report.
 *
 * @param responses the responses, each decoded; one that could not be decoded stays an {@link Any}
 * @param richStatus the "grpc-status-details-bin" trailer decoded, with its details; empty without
 *     it
 * @param detailsProblem why that trailer could not be decoded, or ""
 */
public record Observation(
    List<Message> responses,
    Status.Code code,
    String message,
    Optional<RichStatus> richStatus,
    String detailsProblem,
    List<MetadataEntry> headers,
    List<MetadataEntry> trailers,
    Duration elapsed,
    Optional<GetServerCallResponse> server) {

  /** A google.rpc.Status with its details decoded. */
  public record RichStatus(int code, String message, List<Message> details) {}

  public Observation {
    responses = List.copyOf(responses);
    headers = List.copyOf(headers);
    trailers = List.copyOf(trailers);
  }

  /**
   * The client's report, read with the contract the client was built from. Raw calls report bytes
   * without a type; {@code rawResponseType}, where the contract knows the method, reads them.
   */
  public static Observation of(
      RunCallResponse reported, Contract clientContract, Optional<Descriptor> rawResponseType) {
    List<Message> responses = new ArrayList<>();
    for (Any any : reported.getResponsesList()) {
      responses.add(decode(any, clientContract, rawResponseType));
    }
    Optional<RichStatus> rich = Optional.empty();
    String problem = "";
    if (!reported.getStatus().getDetails().isEmpty()) {
      try {
        var status = com.google.rpc.Status.parseFrom(reported.getStatus().getDetails());
        List<Message> details = new ArrayList<>();
        status
            .getDetailsList()
            .forEach(detail -> details.add(decode(detail, clientContract, Optional.empty())));
        rich = Optional.of(new RichStatus(status.getCode(), status.getMessage(), details));
      } catch (InvalidProtocolBufferException malformed) {
        problem =
            "grpc-status-details-bin does not parse as a google.rpc.Status: "
                + malformed.getMessage();
      }
    }
    return new Observation(
        responses,
        Status.fromCodeValue(reported.getStatus().getCode()).getCode(),
        reported.getStatus().getMessage(),
        rich,
        problem,
        reported.getHeadersList(),
        reported.getTrailersList(),
        Duration.ofNanos(Durations.toNanos(reported.getElapsed())),
        Optional.empty());
  }

  /** The same observation, with what the server saw of the call. */
  public Observation withServer(GetServerCallResponse seen) {
    return new Observation(
        responses,
        code,
        message,
        richStatus,
        detailsProblem,
        headers,
        trailers,
        elapsed,
        Optional.of(seen));
  }

  private static Message decode(Any any, Contract contract, Optional<Descriptor> rawType) {
    Descriptor type =
        any.getTypeUrl().isEmpty()
            ? rawType.orElse(null)
            : contract
                .message(any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1))
                .orElse(null);
    if (type == null) {
      return any;
    }
    try {
      return DynamicMessage.parseFrom(type, any.getValue());
    } catch (InvalidProtocolBufferException malformed) {
      return any;
    }
  }
}
