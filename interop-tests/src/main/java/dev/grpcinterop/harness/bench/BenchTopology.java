package dev.grpcinterop.harness.bench;

import dev.grpcinterop.harness.docker.Containers;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.topology.RunNetwork;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.DescribeResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/**
 * The performance matrix's containers: each language twice, once as the server of its pairs and
 * once as their client, the servers on one half of the machine's CPUs and the clients on the other,
 * so that a client never competes with its server for a core. Closed by whoever started it.
 */
public final class BenchTopology implements AutoCloseable {
  private final RunNetwork network = RunNetwork.create();
  private final Map<String, PeerContainer> servers = new LinkedHashMap<>();
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

  public static BenchTopology start(Path root, List<PeerManifest> peers) {
    int machineCpus = DockerClientFactory.instance().getInfo().getNCPU();
    var topology = new BenchTopology(CpuSplit.of(machineCpus));
    try {
      topology.startAll(root, peers);
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

  private void startAll(Path root, List<PeerManifest> peers) throws InterruptedException {
    for (PeerManifest peer : peers) {
      var image = PeerImage.of(peer, root);
      image.resolve();
      servers.put(peer.name(), container(image, peer.name() + "-server", cpus.servers()));
      clients.put(peer.name(), container(image, peer.name() + "-client", cpus.clients()));
    }
    List<PeerContainer> all = containers();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(6, all.size()));
    try {
      List<Future<?>> starting = all.stream().<Future<?>>map(c -> pool.submit(c::start)).toList();
      Containers.awaitStarted(starting);
    } finally {
      pool.shutdownNow();
    }
    clients.forEach(
        (peer, client) ->
            described.put(
                peer,
                PeerControlServiceGrpc.newBlockingStub(client.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .describe(DescribeRequest.getDefaultInstance())));
  }

  private PeerContainer container(PeerImage image, String label, String cpuSet) {
    var container = new PeerContainer(image, label).onNetwork(network.network(), label);
    return cpuSet.isEmpty() ? container : container.withCpuSet(cpuSet);
  }

  public List<String> peers() {
    return List.copyOf(servers.keySet());
  }

  public PeerContainer server(String peer) {
    return servers.get(peer);
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

  private List<PeerContainer> containers() {
    List<PeerContainer> all = new ArrayList<>(servers.values());
    all.addAll(clients.values());
    return all;
  }

  @Override
  public void close() {
    Containers.stopAll(containers());
    network.close();
  }
}
