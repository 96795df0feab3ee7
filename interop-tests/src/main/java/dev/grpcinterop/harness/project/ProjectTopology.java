package dev.grpcinterop.harness.project;

import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.Containers;
import dev.grpcinterop.harness.docker.FolderImage;
import dev.grpcinterop.harness.docker.ImageBuildException;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.docker.ServerContainer;
import dev.grpcinterop.harness.docker.ServerImage;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.project.Project.Readiness;
import dev.grpcinterop.harness.project.Project.Server;
import dev.grpcinterop.harness.topology.Instance;
import dev.grpcinterop.harness.topology.RunCredentials;
import dev.grpcinterop.harness.topology.RunNetwork;
import dev.grpcinterop.harness.topology.TlsTargets;
import dev.grpcinterop.harness.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private final RunCredentials credentials = new RunCredentials();
  private final List<ServerContainer> servers = new ArrayList<>();

  /** Each server's TLS targets, where it provides TLS and a case needs it. */
  private final Map<ServerContainer, TlsTargets> tls = new LinkedHashMap<>();

  /** Every container started for a server: itself, then its TLS instances. */
  private final List<ServerContainer> serverContainers = new ArrayList<>();

  private final Map<PeerContainer, Contract> clients = new LinkedHashMap<>();
  private final Map<PeerContainer, Contract> baselineClients = new LinkedHashMap<>();

  private ProjectTopology() {}

  static ProjectTopology start(
      Project project,
      Path harnessRoot,
      List<PeerManifest> peers,
      Set<Instance> needed,
      Contract current,
      Optional<Contract> released) {
    var topology = new ProjectTopology();
    try {
      topology.startAll(project, harnessRoot, peers, needed, current, released);
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
      Set<Instance> needed,
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
    Map<ServerContainer, Server> entries = new LinkedHashMap<>();
    for (int i = 0; i < project.servers().size(); i++) {
      Server server = project.servers().get(i);
      String image = serverImages.get(i);
      var container = container(image, server, network.network());
      servers.add(container);
      entries.put(container, server);
      Optional<Project.Instance> tlsInstance =
          server.provides().tls().filter(t -> needed.contains(Instance.TLS));
      if (tlsInstance.isEmpty()) {
        continue;
      }
      String tlsName = server.name() + "-tls";
      var secured =
          secured(image, tlsName, server, tlsInstance.get(), List.of(tlsName), null)
              .withNetworkAliases(tlsName + "-wrongname");
      entries.put(secured, server);
      Optional<String> mtlsTarget = Optional.empty();
      Optional<Project.Instance> mtlsInstance =
          server.provides().mtls().filter(t -> needed.contains(Instance.MTLS));
      if (mtlsInstance.isPresent()) {
        String mtlsName = server.name() + "-mtls";
        var mtls =
            secured(
                image,
                mtlsName,
                server,
                mtlsInstance.get(),
                List.of(mtlsName),
                credentials.ca().certificate());
        entries.put(mtls, server);
        mtlsTarget = Optional.of(mtls.networkTarget());
      }
      tls.put(
          container,
          new TlsTargets(
              secured.networkTarget(),
              tlsName + "-wrongname:" + tlsInstance.get().port(),
              mtlsTarget,
              credentials));
    }
    serverContainers.addAll(entries.keySet());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Map<String, Future<?>> starting = new LinkedHashMap<>();
      entries.forEach(
          (container, server) ->
              starting.put(
                  "server " + container.name(),
                  pool.submit(
                      () -> {
                        startServer(project, server, container);
                        return null;
                      })));
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

  /**
   * A TLS instance of {@code server}: its image with the instance's environment added and its
   * arguments (or the server's), a certificate of the run's CA for {@code names}, ready when its
   * port accepts connections (a plaintext health check cannot reach it).
   */
  private ServerContainer secured(
      String image,
      String name,
      Server server,
      Project.Instance instance,
      List<String> names,
      byte[] clientCa) {
    Map<String, String> env = new LinkedHashMap<>(server.env());
    env.putAll(instance.env());
    var issued = credentials.ca().server(names);
    return new ServerContainer(
            image,
            name,
            instance.port(),
            env,
            instance.args().isEmpty() ? server.args() : instance.args(),
            ServerContainer.Readiness.PORT,
            network.network())
        .withCertificate(issued.certificate(), issued.privateKey(), clientCa);
  }

  /**
   * Builds (or finds) the image of every server the project builds from a Dockerfile, as a run
   * would before starting it: for a caller that wants them ready ahead of the run.
   */
  static void buildServerImages(Project project) {
    project.servers().stream()
        .filter(server -> server.image().isEmpty())
        .forEach(server -> image(project, server));
  }

  static String image(Project project, Server server) {
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

  /** The server's plain instance, as the project file describes it, not yet started. */
  static ServerContainer container(
      String image, Server server, org.testcontainers.containers.Network network) {
    return new ServerContainer(
        image,
        server.name(),
        server.port(),
        server.env(),
        server.args(),
        server.readiness() == Readiness.HEALTH
            ? ServerContainer.Readiness.HEALTH
            : ServerContainer.Readiness.FIRST_CALL,
        network);
  }

  /** Starts a server's container; a failure names the server's line and what to check. */
  static void startServer(Project project, Server server, ServerContainer container) {
    try {
      container.start();
    } catch (RuntimeException failed) {
      boolean instance = !container.name().equals(server.name());
      throw new ProjectFileException(
          project.at(server.line())
              + ": server "
              + server.name()
              + (instance ? "'s instance " + container.name() + " (its \"provides\")" : "")
              + " ("
              + container.getDockerImageName()
              + ") did not start: "
              + rootMessage(failed)
              + "; check its image, port ("
              + container.port()
              + portHint(container)
              + ") and readiness ("
              + container.readiness()
              + "), and its log above (logger server."
              + container.name()
              + ").",
          failed);
    }
  }

  /**
   * ", but the image declares EXPOSE 8080/tcp" where the image names other ports than the one
   * given.
   */
  private static String portHint(ServerContainer container) {
    List<String> exposed = ServerImage.exposedPorts(container.getDockerImageName());
    return exposed.isEmpty() || exposed.contains(container.port() + "/tcp")
        ? ""
        : ", but the image declares EXPOSE " + String.join(" ", exposed);
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
            pairs.add(
                new ProjectPair(
                    client,
                    client.label(),
                    contract,
                    server,
                    Optional.ofNullable(tls.get(server))));
          }
        });
    return pairs;
  }

  Map<String, String> logs() {
    Map<String, String> logs = new LinkedHashMap<>();
    serverContainers.forEach(s -> logs.put("server-" + s.name(), logOf(s)));
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
    List<GenericContainer<?>> all = new ArrayList<>(serverContainers);
    all.addAll(clients.keySet());
    all.addAll(baselineClients.keySet());
    Containers.stopAll(all);
    network.close();
  }
}
