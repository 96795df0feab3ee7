package dev.grpcinterop.harness.topology;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import dev.grpcinterop.interop.v1.RunCallsRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One cell of the matrix: a client peer, driven through its control service, and a server language,
 * each with the label the report shows ("python", or "python@baseline" for one built from the
 * released contract).
 *
 * @param clientContract the contract the client was built from and handed, in whose terms its
 *     reports are read
 * @param serverInstance the server's instance that calls go to unless a case names another
 */
public record Pair(
    PeerContainer client,
    String clientLabel,
    Contract clientContract,
    PeerDeployment server,
    PeerContainer serverInstance,
    String serverLabel,
    RunCredentials credentials)
    implements Cell {

  /** Room past a call's own deadline for the client peer to report it. */
  private static final long REPORT_MILLIS = 10_000;

  private static final int MAX_REPORT_BYTES = 64 * 1024 * 1024;

  /** "python → node". */
  @Override
  public String name() {
    return clientLabel + " → " + serverLabel;
  }

  /** The language of the client, as known failures name it. */
  @Override
  public String clientPeer() {
    return client.peer();
  }

  @Override
  public String serverPeer() {
    return server.peer();
  }

  /** The names that reach the server's instances. */
  public Endpoints endpoints() {
    return server.endpoints();
  }

  /** Has the client peer make {@code call} against the server, and returns what it saw. */
  @Override
  public RunCallResponse call(RunCallRequest call) {
    return call(call, serverInstance.networkTarget());
  }

  @Override
  public Optional<TlsTargets> tls() {
    return Optional.of(
        new TlsTargets(
            endpoints().tls(),
            endpoints().tlsWrongName(),
            Optional.of(endpoints().mtls()),
            credentials));
  }

  /** Has the client peer make {@code call} against another of the server's addresses. */
  @Override
  public RunCallResponse call(RunCallRequest call, String target) {
    return control(client, Durations.toMillis(call.getTimeout()))
        .runCall(call.toBuilder().setTarget(target).build());
  }

  /** Has the client peer make every call at once, multiplexed on one channel to the server. */
  public List<RunCallResponse> callAll(List<RunCallRequest> calls) {
    return callAllTo(
        calls.stream()
            .map(c -> c.toBuilder().setTarget(serverInstance.networkTarget()).build())
            .toList());
  }

  /** Has the client peer make every call at once, each to the target it names. */
  public List<RunCallResponse> callAllTo(List<RunCallRequest> calls) {
    long longest =
        calls.stream().mapToLong(c -> Durations.toMillis(c.getTimeout())).max().orElse(0);
    return control(client, longest)
        .runCalls(RunCallsRequest.newBuilder().addAllCalls(calls).build())
        .getResultsList();
  }

  @Override
  public boolean reportsServerCalls() {
    return true;
  }

  /** What the server saw of the call that carried {@code callId}. */
  @Override
  public GetServerCallResponse serverCall(String callId) {
    return serverCall(serverInstance, callId);
  }

  /** What another instance of the server, such as a replica, saw of the call. */
  public GetServerCallResponse serverCall(PeerContainer instance, String callId) {
    return control(instance, 0)
        .getServerCall(GetServerCallRequest.newBuilder().setCallId(callId).build());
  }

  /**
   * A stub for {@code peer}'s control service whose deadline is a call's own ({@code callMillis})
   * and room for the peer to report it; reports may be as large as the calls.
   */
  public static PeerControlServiceGrpc.PeerControlServiceBlockingStub control(
      PeerContainer peer, long callMillis) {
    return PeerControlServiceGrpc.newBlockingStub(peer.channel())
        .withDeadlineAfter(callMillis + REPORT_MILLIS, TimeUnit.MILLISECONDS)
        .withMaxInboundMessageSize(MAX_REPORT_BYTES)
        .withMaxOutboundMessageSize(MAX_REPORT_BYTES);
  }
}
