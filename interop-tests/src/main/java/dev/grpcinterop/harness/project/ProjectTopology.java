package dev.grpcinterop.harness.project;

import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.FolderImage;
import dev.grpcinterop.harness.docker.ImageBuildException;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.docker.ServerContainer;
import dev.grpcinterop.harness.docker.ServerImage;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.project.Project.Readiness;
import dev.grpcinterop.harness.project.Project.Server;
import dev.grpcinterop.harness.topology.RunNetwork;
import dev.grpcinterop.harness.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.GenericContainer;

/**
 * A user's servers and the peers' clients of one run, on one network where each server is reachable
 * by its name. Each client is handed the user's contract (and a second container of each the
 * released one, where the project has a baseline). Whoever starts it closes it.
 */
final class ProjectTopology implements AutoCloseable {
  private final RunNetwork network = RunNetwork.create();
  private final List<ServerContainer> servers = new ArrayList<>();
  private final Map<PeerContainer, Contract> clients = new LinkedHashMap<>();
  private final Map<PeerContainer, Contract> baselineClients = new LinkedHashMap<>();

  private ProjectTopology() {}

  static ProjectTopology start(
      Project project,
      Path harnessRoot,
      List<PeerManifest> peers,
      Contract current,
      Optional<Contract> released) {
    var topology = new ProjectTopology();
    try {
      topology.startAll(project, harnessRoot, peers, current, released);
    } catch (RuntimeException | InterruptedException failed) {
      topology.close();
      if (failed instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the run", failed);
      }
      throw (RuntimeException) failed;
    }
    return topology;
  }

  private void startAll(
      Project project,
      Path harnessRoot,
      List<PeerManifest> peers,
      Contract current,
      Optional<Contract> released)
      throws InterruptedException {
    // Images first, one at a time (builds share two cores), then every container at once.
    List<String> serverImages = new ArrayList<>();
    for (Server server : project.servers()) {
      serverImages.add(image(project, server));
    }
    List<PeerContainer> peerClients = new ArrayList<>();
    for (PeerManifest peer : peers) {
      var image = PeerImage.of(peer, harnessRoot);
      var client = new PeerContainer(image).withNetwork(network.network());
      clients.put(client, current);
      peerClients.add(client);
      if (released.isPresent()) {
        var old =
            new PeerContainer(image, peer.name() + "@baseline").withNetwork(network.network());
        baselineClients.put(old, released.get());
      }
    }
    for (int i = 0; i < project.servers().size(); i++) {
      Server server = project.servers().get(i);
      servers.add(
          new ServerContainer(
              serverImages.get(i),
              server.name(),
              server.port(),
              server.env(),
              server.args(),
              server.readiness() == Readiness.HEALTH,
              network.network()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Map<String, Future<?>> starting = new LinkedHashMap<>();
      for (int i = 0; i < servers.size(); i++) {
        ServerContainer container = servers.get(i);
        Server server = project.servers().get(i);
        starting.put(
            "server " + server.name(),
            pool.submit(
                () -> {
                  startServer(project, server, container);
                  return null;
                }));
      }
      List<PeerContainer> allClients = new ArrayList<>(clients.keySet());
      allClients.addAll(baselineClients.keySet());
      for (PeerContainer client : allClients) {
        Contract contract = clients.containsKey(client) ? current : released.orElseThrow();
        starting.put(
            client.label() + " client",
            pool.submit(
                () -> {
                  client.start();
                  Topology.loadContract(client, contract);
                  return null;
                }));
      }
      for (var entry : starting.entrySet()) {
        try {
          entry.getValue().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException failed) {
          Throwable cause = failed.getCause();
          if (cause instanceof RuntimeException runtime
              && (cause instanceof ProjectFileException || cause instanceof ImageBuildException)) {
            throw runtime;
          }
          throw new IllegalStateException(
              "The " + entry.getKey() + " did not start: " + rootMessage(cause), cause);
        } catch (java.util.concurrent.TimeoutException stuck) {
          throw new IllegalStateException("The " + entry.getKey() + " did not start in 5 min.");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String image(Project project, Server server) {
    if (server.image().isPresent()) {
      String image = server.image().get();
      try {
        ServerImage.ensurePresent(image);
      } catch (RuntimeException absent) {
        throw new ProjectFileException(
            project.at(server.line())
                + ": server "
                + server.name()
                + ": the image "
                + image
                + " is not on this machine and cannot be pulled ("
                + String.valueOf(absent.getMessage()).strip()
                + "); build or pull it first, or give \"build:\" with its Dockerfile's folder instead.",
            absent);
      }
      return image;
    }
    var image =
        new FolderImage(
            "image of server " + server.name() + " (" + project.at(server.line()) + ")",
            "interop-user/"
                + project.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-")
                + "-"
                + server.name(),
            server.build().orElseThrow(),
            server.dockerfile());
    server.extraCa().ifPresent(image::withExtraCa);
    try {
      return image.resolve();
    } catch (ImageBuildException failed) {
      throw new ProjectFileException(
          project.at(server.line()) + ": server " + server.name() + ": " + failed.getMessage(),
          failed);
    }
  }

  private static void startServer(Project project, Server server, ServerContainer container) {
    try {
      container.start();
    } catch (RuntimeException failed) {
      throw new ProjectFileException(
          project.at(server.line())
              + ": server "
              + server.name()
              + " ("
              + container.getDockerImageName()
              + ") did not start: "
              + rootMessage(failed)
              + "; check its image, port ("
              + server.port()
              + ") and readiness ("
              + server.readiness().name().toLowerCase(Locale.ROOT)
              + "), and its log above (logger server."
              + server.name()
              + ").",
          failed);
    }
  }

  private static String rootMessage(Throwable failed) {
    Throwable cause = failed;
    StringBuilder text = new StringBuilder(String.valueOf(failed.getMessage()));
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
      text.append(": ").append(cause.getMessage());
    }
    return text.toString();
  }

  /** Each language's client handed today's contract. */
  List<PeerContainer> clients() {
    return List.copyOf(clients.keySet());
  }

  /** Every current client × every server. */
  List<ProjectPair> pairs() {
    return pairsOf(clients);
  }

  /** Every client handed the released contract × every server. */
  List<ProjectPair> skewPairs() {
    return pairsOf(baselineClients);
  }

  private List<ProjectPair> pairsOf(Map<PeerContainer, Contract> of) {
    List<ProjectPair> pairs = new ArrayList<>();
    of.forEach(
        (client, contract) -> {
          for (ServerContainer server : servers) {
            pairs.add(new ProjectPair(client, client.label(), contract, server));
          }
        });
    return pairs;
  }

  Map<String, String> logs() {
    Map<String, String> logs = new LinkedHashMap<>();
    servers.forEach(s -> logs.put("server-" + s.name(), logOf(s)));
    clients.keySet().forEach(c -> logs.put("client-" + c.label(), logOf(c)));
    baselineClients
        .keySet()
        .forEach(c -> logs.put("client-" + c.label().replace('@', '-'), logOf(c)));
    return logs;
  }

  private static String logOf(GenericContainer<?> container) {
    return container.isRunning() ? container.getLogs() : "(not running)";
  }

  @Override
  public void close() {
    servers.forEach(GenericContainer::stop);
    clients.keySet().forEach(GenericContainer::stop);
    baselineClients.keySet().forEach(GenericContainer::stop);
    network.close();
  }
}
