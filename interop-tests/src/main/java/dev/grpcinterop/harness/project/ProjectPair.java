package dev.grpcinterop.harness.project;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.ServerContainer;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.concurrent.TimeUnit;

/**
 * One cell of a user's matrix: a peer's generic client, handed the user's contract, calling one of
 * the user's servers. The server tells the harness nothing of its calls.
 *
 * @param clientLabel "python", or "python@baseline" for a client handed the released contract
 */
public record ProjectPair(
    PeerContainer client, String clientLabel, Contract clientContract, ServerContainer server)
    implements Cell {
  /** Room past a call's own deadline for the client peer to report it. */
  private static final long REPORT_MILLIS = 10_000;

  private static final int MAX_REPORT_BYTES = 64 * 1024 * 1024;

  @Override
  public String name() {
    return clientLabel + " → " + server.name();
  }

  @Override
  public String serverLabel() {
    return server.name();
  }

  @Override
  public String clientPeer() {
    return client.peer();
  }

  /** A user's server is no peer; known failures name it by its name in the project file. */
  @Override
  public String serverPeer() {
    return server.name();
  }

  @Override
  public RunCallResponse call(RunCallRequest call) {
    return PeerControlServiceGrpc.newBlockingStub(client.channel())
        .withDeadlineAfter(
            Durations.toMillis(call.getTimeout()) + REPORT_MILLIS, TimeUnit.MILLISECONDS)
        .withMaxInboundMessageSize(MAX_REPORT_BYTES)
        .withMaxOutboundMessageSize(MAX_REPORT_BYTES)
        .runCall(call.toBuilder().setTarget(server.networkTarget()).build());
  }
}
