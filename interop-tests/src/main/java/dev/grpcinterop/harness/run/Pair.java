package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.cases.Outcome;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.topology.Deployment;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import dev.grpcinterop.interop.v1.RunCallsRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One cell of the matrix: a client peer, driven through its control service, and a server peer, each
 * with the label the report shows ("python", or "python@baseline" for one built from the released
 * contract).
 */
public record Pair(
    PeerContainer client,
    PeerContainer server,
    String clientLabel,
    String serverLabel,
    com.google.protobuf.TypeRegistry clientTypes,
    Deployment deployment) {
  public Pair(PeerContainer client, PeerContainer server, Deployment deployment) {
    this(client, server, client.label(), server.label(), null, deployment);
  }

  /** Has the client peer make {@code call} against another of the server peer's addresses. */
  public RunCallResponse call(RunCallRequest call, String target) {
    return control(client, Durations.toMillis(call.getTimeout())).runCall(call.toBuilder().setTarget(target).build());
  }

  /** What the client peer's reports mean: the current contract, or the one it was built from. */
  public Outcome observed(RunCallResponse response, boolean contractMessage) {
    return clientTypes == null
        ? Outcome.observed(response, contractMessage)
        : Outcome.observed(response, contractMessage, clientTypes);
  }

  /** Room past a call's own deadline for the client peer to report it. */
  private static final long REPORT_MILLIS = 10_000;
  private static final int MAX_REPORT_BYTES = 64 * 1024 * 1024;

  public String name() {
    return clientLabel + " → " + serverLabel;
  }

  /** Has the client peer make {@code call} against the server peer, and returns what it saw. */
  public RunCallResponse call(RunCallRequest call) {
    return control(client, Durations.toMillis(call.getTimeout()))
        .runCall(call.toBuilder().setTarget(server.networkTarget()).build());
  }

  /** Has the client peer make every call at once, multiplexed on one channel to the server. */
  public List<RunCallResponse> callAll(List<RunCallRequest> calls) {
    long longest = calls.stream().mapToLong(c -> Durations.toMillis(c.getTimeout())).max().orElse(0);
    var batch = RunCallsRequest.newBuilder();
    calls.forEach(c -> batch.addCalls(c.toBuilder().setTarget(server.networkTarget())));
    return control(client, longest).runCalls(batch.build()).getResultsList();
  }

  /** Has the client peer make every call at once, each to the target it names. */
  public List<RunCallResponse> callAllTo(List<RunCallRequest> calls) {
    long longest = calls.stream().mapToLong(c -> Durations.toMillis(c.getTimeout())).max().orElse(0);
    return control(client, longest).runCalls(RunCallsRequest.newBuilder().addAllCalls(calls).build()).getResultsList();
  }

  /** What the server peer saw of the call that carried {@code callId}. */
  public GetServerCallResponse serverCall(String callId) {
    return serverCall(server, callId);
  }

  /** What another instance of the server peer, such as a replica, saw of the call. */
  public GetServerCallResponse serverCall(PeerContainer instance, String callId) {
    return control(instance, 0).getServerCall(GetServerCallRequest.newBuilder().setCallId(callId).build());
  }

  private static PeerControlServiceGrpc.PeerControlServiceBlockingStub control(
      PeerContainer peer, long callMillis) {
    return PeerControlServiceGrpc.newBlockingStub(peer.channel())
        .withDeadlineAfter(callMillis + REPORT_MILLIS, TimeUnit.MILLISECONDS)
        .withMaxInboundMessageSize(MAX_REPORT_BYTES)
        .withMaxOutboundMessageSize(MAX_REPORT_BYTES);
  }
}
