package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.PeerManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.testcontainers.containers.Network;

/**
 * One language's servers in a run, all from its one image: the peer itself (plaintext and TLS), an
 * instance requiring client certificates, one permitting frequent keepalive pings, three replicas
 * behind one DNS name, and the peer built from the released contract. Prepared one language at a
 * time (the image may be built), started together, stopped together by whoever started them.
 */
public final class PeerDeployment implements AutoCloseable {
  public static final int REPLICAS = 3;

  /** How often the keepalive instance permits client pings, with or without calls in flight. */
  public static final Duration KEEPALIVE_PERMIT_TIME = Duration.ofSeconds(5);

  private final PeerManifest manifest;
  private final Endpoints endpoints;
  private final List<PeerContainer> started = new ArrayList<>();
  private final List<PeerContainer> replicas = new ArrayList<>();
  private final ReplicaSessions replicaSessions = new ReplicaSessions(replicas);
  private PeerContainer main;
  private PeerContainer keepalive;
  private PeerContainer baseline;

  private PeerDeployment(PeerManifest manifest) {
    this.manifest = manifest;
    this.endpoints = new Endpoints(manifest.name());
  }

  /**
   * Builds (or reuses) the peer's image and makes, without starting them, the peer and the
   * instances {@code needed}; with {@code baselineProto}, the peer built from the released contract
   * too, where its image can be (not the Java peer's, which runs the jar this build made from
   * proto/). {@link #start} starts them.
   */
  public static PeerDeployment prepare(
      PeerManifest peer,
      Path root,
      RunNetwork network,
      RunCredentials credentials,
      Set<Instance> needed,
      Path baselineProto) {
    var deployment = new PeerDeployment(peer);
    deployment.prepareAll(root, network, credentials, needed, baselineProto);
    return deployment;
  }

  private void prepareAll(
      Path root,
      RunNetwork run,
      RunCredentials credentials,
      Set<Instance> needed,
      Path baselineProto) {
    Network network = run.network();
    String name = manifest.name();
    var image = PeerImage.of(manifest, root);
    var ca = credentials.ca();
    main = new PeerContainer(image).onNetwork(network, name, endpoints.wrongNameAlias());
    tls(main, ca.server(List.of(name, "localhost")), null);
    add(main);
    if (needed.contains(Instance.MTLS)) {
      var mtls =
          new PeerContainer(image, endpoints.mtlsAlias()).onNetwork(network, endpoints.mtlsAlias());
      tls(mtls, ca.server(List.of(endpoints.mtlsAlias())), ca.certificate());
      add(mtls);
    }
    if (needed.contains(Instance.KEEPALIVE)) {
      keepalive =
          add(
              new PeerContainer(image, endpoints.keepaliveAlias())
                  .onNetwork(network, endpoints.keepaliveAlias())
                  .withEnv(
                      "KEEPALIVE_PERMIT_TIME_MS", Long.toString(KEEPALIVE_PERMIT_TIME.toMillis())));
    }
    if (needed.contains(Instance.REPLICAS)) {
      for (int i = 1; i <= REPLICAS; i++) {
        String replica = endpoints.replicaAlias(i);
        replicas.add(
            add(
                new PeerContainer(image, replica)
                    .onNetwork(network, replica, endpoints.replicasAlias())
                    .withFixedAddress(run.fixedAddress())
                    .withEnv("SERVER_ID", replica)));
      }
    }
    // The image is built (or found) now, one peer at a time: builds share the cores.
    image.resolve();
    if (baselineProto == null || !manifest.buildInputs().isEmpty()) {
      return;
    }
    var old = PeerImage.of(manifest, root, baselineProto);
    if (old.resolve().equals(image.resolve())) {
      // Same inputs, same image: the released contract is the current one for this peer.
      baseline = main;
      return;
    }
    baseline =
        add(
            new PeerContainer(old, name + "@baseline")
                .onNetwork(network, endpoints.baselineAlias()));
  }

  /**
   * Starts every container prepared on {@code pool}, with whatever else it starts; each future ends
   * when its container is ready. Whoever started them closes them.
   */
  public List<Future<?>> startOn(ExecutorService pool) {
    return started.stream().<Future<?>>map(c -> pool.submit(c::start)).toList();
  }

  private static void tls(
      PeerContainer container, CertificateAuthority.Issued certificate, byte[] clientCa) {
    container.withTls(
        Endpoints.TLS_PORT, certificate.certificate(), certificate.privateKey(), clientCa);
  }

  private PeerContainer add(PeerContainer container) {
    started.add(container);
    return container;
  }

  public String peer() {
    return manifest.name();
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /** The peer itself: every pair's client, and the server of every case but the ones below. */
  public PeerContainer main() {
    return main;
  }

  /** The instance permitting keepalive pings every {@link #KEEPALIVE_PERMIT_TIME}. */
  public PeerContainer keepalive() {
    if (keepalive == null) {
      throw new IllegalStateException(
          "no keepalive instance of "
              + peer()
              + " was started: a case using it must say so in needs()");
    }
    return keepalive;
  }

  /** The peer built from the released contract, if it could be; the main one where they agree. */
  public java.util.Optional<PeerContainer> baseline() {
    return java.util.Optional.ofNullable(baseline);
  }

  /** The replicas, shared by the load-balancing cases of every client in sessions. */
  public ReplicaSessions replicas() {
    return replicaSessions;
  }

  /** Every container started for this language, for logs. */
  public List<PeerContainer> containers() {
    return List.copyOf(started);
  }

  @Override
  public void close() {
    started.forEach(PeerContainer::stop);
  }
}
