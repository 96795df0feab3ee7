package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.Containers;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.interop.v1.LoadContractRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Every language's servers of a run, on one network where each instance is reachable by name, and
 * the pairs they make. Each client is handed the contract it was built from (LoadContract), so that
 * it calls the contract's methods with dynamic messages. Whoever starts it closes it, which stops
 * every container.
 */
public final class Topology implements AutoCloseable {
  private static final long LOAD_CONTRACT_MILLIS = 10_000;

  /**
   * Containers started at once: most of a start is the engine's and the peer's own start-up, which
   * overlap well past two cores; far more would only queue on them.
   */
  private static final int STARTING_AT_ONCE = 6;

  private final RunNetwork network = RunNetwork.create();
  private final RunCredentials credentials = new RunCredentials();
  private final Map<String, PeerDeployment> deployments = new LinkedHashMap<>();
  private final Contract current;
  private final Contract released;

  private Topology(Contract current, Contract released) {
    this.current = current;
    this.released = released;
  }

  /**
   * Starts every peer, with the instances {@code needed}; with {@code baselineProto} also each peer
   * built from the released contract, whose clients read and call in {@code released}'s terms.
   */
  public static Topology start(
      Path root,
      List<PeerManifest> peers,
      Set<Instance> needed,
      Contract current,
      Path baselineProto,
      Contract released) {
    var topology = new Topology(current, released);
    ExecutorService pool = Executors.newFixedThreadPool(STARTING_AT_ONCE);
    try {
      for (PeerManifest peer : peers) {
        topology.deployments.put(
            peer.name(),
            PeerDeployment.prepare(
                peer, root, topology.network, topology.credentials, needed, baselineProto));
      }
      // Every language's client calls every language's replicas.
      topology.deployments.values().forEach(d -> d.replicas().expectClients(peers.size()));
      List<Future<?>> starting = new ArrayList<>();
      topology.deployments.values().forEach(d -> starting.addAll(d.startOn(pool)));
      Containers.awaitStarted(starting);
      for (PeerDeployment deployment : topology.deployments.values()) {
        loadContract(deployment.main(), current);
        deployment
            .baseline()
            .filter(b -> b != deployment.main())
            .ifPresent(b -> loadContract(b, released));
      }
    } catch (RuntimeException | InterruptedException failed) {
      topology.close();
      if (failed instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the peers", failed);
      }
      throw (RuntimeException) failed;
    } finally {
      pool.shutdownNow();
    }
    return topology;
  }

  /** Hands {@code client} the contract it is to call in (LoadContract), within 10 s. */
  public static void loadContract(PeerContainer client, Contract contract) {
    PeerControlServiceGrpc.newBlockingStub(client.channel())
        .withDeadlineAfter(LOAD_CONTRACT_MILLIS, TimeUnit.MILLISECONDS)
        .loadContract(
            LoadContractRequest.newBuilder()
                .setFileDescriptorSet(contract.descriptorSet())
                .build());
  }

  /** Each language's client, built from proto/. */
  public List<PeerContainer> clients() {
    return deployments.values().stream().map(PeerDeployment::main).toList();
  }

  public RunCredentials credentials() {
    return credentials;
  }

  /** Every client × every server, all built from proto/. */
  public List<Pair> pairs() {
    List<Pair> pairs = new ArrayList<>();
    for (PeerDeployment client : deployments.values()) {
      for (PeerDeployment server : deployments.values()) {
        pairs.add(
            new Pair(
                client.main(),
                client.peer(),
                current,
                server,
                server.main(),
                server.peer(),
                credentials));
      }
    }
    return pairs;
  }

  /**
   * The version-skew pairs: every client built from the released contract against every server
   * built from proto/, and every current client against every released server.
   */
  public List<Pair> skewPairs() {
    List<Pair> pairs = new ArrayList<>();
    for (PeerDeployment client : deployments.values()) {
      client
          .baseline()
          .ifPresent(
              old -> {
                for (PeerDeployment server : deployments.values()) {
                  pairs.add(
                      new Pair(
                          old,
                          baselineLabel(client),
                          released,
                          server,
                          server.main(),
                          server.peer(),
                          credentials));
                }
              });
    }
    for (PeerDeployment client : deployments.values()) {
      for (PeerDeployment server : deployments.values()) {
        server
            .baseline()
            .ifPresent(
                old ->
                    pairs.add(
                        new Pair(
                            client.main(),
                            client.peer(),
                            current,
                            server,
                            old,
                            baselineLabel(server),
                            credentials)));
      }
    }
    return pairs;
  }

  /** A baseline sharing its container with the current peer still reads as the baseline. */
  private static String baselineLabel(PeerDeployment deployment) {
    return deployment.peer() + "@baseline";
  }

  /** Every container's log so far, by instance, for the report. */
  public Map<String, String> logs() {
    Map<String, String> logs = new LinkedHashMap<>();
    for (PeerDeployment deployment : deployments.values()) {
      for (PeerContainer container : deployment.containers()) {
        logs.put(
            container.label().replace('@', '-'),
            container.isRunning() ? container.getLogs() : "(not running)");
      }
    }
    return logs;
  }

  @Override
  public void close() {
    Containers.stopAll(
        deployments.values().stream().flatMap(d -> d.containers().stream()).toList());
    network.close();
  }
}
