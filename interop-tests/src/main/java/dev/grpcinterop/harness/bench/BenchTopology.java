package dev.grpcinterop.harness.bench;

import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.Containers;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.topology.RunNetwork;
import dev.grpcinterop.harness.topology.Topology;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.DescribeResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * The performance matrix's containers: each language's client, and the servers of its pairs (on the
 * built-in contract each language again; on a user's, the project's own servers), the servers on
 * one half of the machine's CPUs and the clients on the other, so that a client never competes with
 * its server for a core. Closed by whoever started it.
 */
public final class BenchTopology implements AutoCloseable {
  /**
   * A server of the matrix: its container, the address clients call it at, and how it is started (a
   * project's server says what to check when it does not start).
   */
  public record Server(GenericContainer<?> container, String networkTarget, Runnable start) {}

  /** Makes a run's servers on its network, by name, not yet started. */
  public interface Servers {
    Map<String, Server> on(Network network);
  }

  private final RunNetwork network = RunNetwork.create();
  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final Map<String, PeerContainer> clients = new LinkedHashMap<>();
  private final Map<String, DescribeResponse> described = new LinkedHashMap<>();
  private final CpuSplit cpus;

  /** Which CPUs the servers and the clients run on; empty when the machine has one. */
  public record CpuSplit(int machineCpus, String servers, String clients) {
    static CpuSplit of(int machineCpus) {
      if (machineCpus < 2) {
        return new CpuSplit(machineCpus, "", "");
      }
      int half = machineCpus / 2;
      return new CpuSplit(machineCpus, range(0, half - 1), range(half, machineCpus - 1));
    }

    private static String range(int first, int last) {
      return first == last ? Integer.toString(first) : first + "-" + last;
    }
  }

  private BenchTopology(CpuSplit cpus) {
    this.cpus = cpus;
  }

  /** Every language as client and as server, on the built-in contract. */
  public static BenchTopology start(Path root, List<PeerManifest> peers) {
    // One image per language, for its client and its server: each is hashed and found once.
    Map<String, PeerImage> images = images(root, peers);
    return start(
        images,
        network -> {
          Map<String, Server> servers = new LinkedHashMap<>();
          images.forEach(
              (peer, image) -> {
                var server =
                    new PeerContainer(image, peer + "-server").onNetwork(network, peer + "-server");
                servers.put(peer, new Server(server, server.networkTarget(), server::start));
              });
          return servers;
        },
        Optional.empty());
  }

  /**
   * The peers' clients against the given servers (a project's own), each client handed {@code
   * contract} to call in, when given (the built-in contract is the one every peer is built from).
   */
  public static BenchTopology start(
      Path root, List<PeerManifest> clients, Servers servers, Optional<Contract> contract) {
    return start(images(root, clients), servers, contract);
  }

  private static Map<String, PeerImage> images(Path root, List<PeerManifest> peers) {
    Map<String, PeerImage> images = new LinkedHashMap<>();
    peers.forEach(peer -> images.put(peer.name(), PeerImage.of(peer, root)));
    return images;
  }

  private static BenchTopology start(
      Map<String, PeerImage> clients, Servers servers, Optional<Contract> contract) {
    int machineCpus = DockerClientFactory.instance().getInfo().getNCPU();
    var topology = new BenchTopology(CpuSplit.of(machineCpus));
    try {
      topology.startAll(clients, servers, contract);
    } catch (RuntimeException | InterruptedException failed) {
      topology.close();
      if (failed instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw failed instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(failed);
    }
    return topology;
  }

  private void startAll(Map<String, PeerImage> images, Servers made, Optional<Contract> contract)
      throws InterruptedException {
    for (var entry : images.entrySet()) {
      String peer = entry.getKey();
      entry.getValue().resolve();
      var client =
          new PeerContainer(entry.getValue(), peer + "-client")
              .onNetwork(network.network(), peer + "-client");
      clients.put(peer, cpus.clients().isEmpty() ? client : client.withCpuSet(cpus.clients()));
    }
    made.on(network.network())
        .forEach(
            (name, server) -> {
              if (!cpus.servers().isEmpty()) {
                server
                    .container()
                    .withCreateContainerCmdModifier(
                        cmd -> cmd.getHostConfig().withCpusetCpus(cpus.servers()));
              }
              servers.put(name, server);
            });
    List<Runnable> starts = new ArrayList<>();
    servers.values().forEach(s -> starts.add(s.start()));
    clients.values().forEach(c -> starts.add(c::start));
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(6, starts.size()));
    try {
      List<Future<?>> starting = starts.stream().<Future<?>>map(pool::submit).toList();
      Containers.awaitStarted(starting);
    } finally {
      pool.shutdownNow();
    }
    clients.forEach(
        (peer, client) -> {
          contract.ifPresent(c -> Topology.loadContract(client, c));
          described.put(
              peer,
              PeerControlServiceGrpc.newBlockingStub(client.channel())
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .describe(DescribeRequest.getDefaultInstance()));
        });
  }

  /** The client languages, the rows of the matrix. */
  public List<String> clientNames() {
    return List.copyOf(clients.keySet());
  }

  /** The servers' names, its columns. */
  public List<String> serverNames() {
    return List.copyOf(servers.keySet());
  }

  public Server server(String name) {
    return servers.get(name);
  }

  public PeerContainer client(String peer) {
    return clients.get(peer);
  }

  /** The peer's library, version and runtime, as its Describe says. */
  public DescribeResponse described(String peer) {
    return described.get(peer);
  }

  /** The network the servers are on, for another client such as ghz. */
  public org.testcontainers.containers.Network network() {
    return network.network();
  }

  public CpuSplit cpus() {
    return cpus;
  }

  private List<GenericContainer<?>> containers() {
    List<GenericContainer<?>> all = new ArrayList<>();
    servers.values().forEach(s -> all.add(s.container()));
    all.addAll(clients.values());
    return all;
  }

  @Override
  public void close() {
    Containers.stopAll(containers());
    network.close();
  }
}
