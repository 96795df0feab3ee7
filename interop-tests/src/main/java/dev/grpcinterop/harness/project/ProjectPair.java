package dev.grpcinterop.harness.project;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.ServerContainer;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.harness.topology.TlsTargets;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.Optional;

/**
 * One cell of a user's matrix: a peer's generic client, handed the user's contract, calling one of
 * the user's servers. The server tells the harness nothing of its calls.
 *
 * @param tls where the server's TLS instances are, if the project file says how it provides them
 * @param clientLabel "python", or "python@baseline" for a client handed the released contract
 */
public record ProjectPair(
    PeerContainer client,
    String clientLabel,
    Contract clientContract,
    ServerContainer server,
    Optional<TlsTargets> tls)
    implements Cell {
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
    return call(call, server.networkTarget());
  }

  @Override
  public RunCallResponse call(RunCallRequest call, String target) {
    return Pair.control(client, Durations.toMillis(call.getTimeout()))
        .runCall(call.toBuilder().setTarget(target).build());
  }
}
