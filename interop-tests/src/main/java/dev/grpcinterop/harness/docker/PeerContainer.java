package dev.grpcinterop.harness.docker;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.images.builder.Transferable;

/**
 * One running peer, of any language: its server on {@link #PORT}, reachable from the test JVM by
 * {@link #target()} and from other peers' containers by {@link #networkTarget()}. Closed by whoever
 * started it.
 */
public final class PeerContainer extends GenericContainer<PeerContainer> {
  /** The port every peer serves on when started with no arguments. */
  public static final int PORT = 50051;

  /** The name by which a peer reaches the machine that runs the suite. */
  public static final String HOST_ALIAS = "host.docker.internal";

  private final String peer;
  private final String label;
  private String networkName;
  private ManagedChannel channel;

  public PeerContainer(PeerImage image) {
    this(image, image.peer());
  }

  /**
   * A peer shown under another label, such as "python@baseline" for one built from the baseline.
   */
  public PeerContainer(PeerImage image, String label) {
    super(image.resolve());
    this.peer = image.peer();
    this.label = label;
    withExposedPorts(PORT);
    withLogConsumer(
        new Slf4jLogConsumer(LoggerFactory.getLogger("peer." + label.replace('@', '-')))
            .withSeparateOutputStreams());
    waitingFor(new GrpcHealthWaitStrategy(PORT));
    // A server the test JVM runs, such as one of a contract no peer was built from, is reached
    // here.
    withExtraHost(HOST_ALIAS, "host-gateway");
  }

  /**
   * Also serves TLS on {@code port} with this certificate and key (PEM); with {@code clientCa},
   * requires client certificates it signed. Configured as every peer is: by environment variables.
   */
  public PeerContainer withTls(int port, byte[] certificate, byte[] privateKey, byte[] clientCa) {
    withCopyToContainer(Transferable.of(certificate), "/tmp/interop-tls/server.pem");
    withCopyToContainer(Transferable.of(privateKey), "/tmp/interop-tls/server.key");
    withEnv("TLS_CERT_FILE", "/tmp/interop-tls/server.pem");
    withEnv("TLS_KEY_FILE", "/tmp/interop-tls/server.key");
    withEnv("TLS_PORT", Integer.toString(port));
    if (clientCa != null) {
      withCopyToContainer(Transferable.of(clientCa), "/tmp/interop-tls/client-ca.pem");
      withEnv("TLS_CLIENT_CA_FILE", "/tmp/interop-tls/client-ca.pem");
    }
    return this;
  }

  /** Joins {@code network} as the host name {@code alias}, where the other peers can dial it. */
  public PeerContainer onNetwork(Network network, String... aliases) {
    networkName = aliases[0];
    return withNetwork(network).withNetworkAliases(aliases);
  }

  /**
   * Keeps this address on the network across a stop and a start, as a replica must for clients to
   * find it again without re-resolving its name.
   */
  public PeerContainer withFixedAddress(String address) {
    return withCreateContainerCmdModifier(cmd -> cmd.withIpv4Address(address));
  }

  /**
   * Runs only on these CPUs ("0", "1-3"), as the performance matrix keeps a client and its server
   * off each other's cores.
   */
  public PeerContainer withCpuSet(String cpus) {
    return withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCpusetCpus(cpus));
  }

  /** The peer's language, as its folder names it: known failures are declared per language. */
  public String peer() {
    return peer;
  }

  /**
   * How the report names this instance: the language, and "@baseline" for the released contract.
   */
  public String label() {
    return label;
  }

  /** host:port of this peer's server, as seen from the test JVM. */
  public String target() {
    return getHost() + ":" + getMappedPort(PORT);
  }

  /**
   * host:port of this peer's server, as seen from another container on its network: its first
   * alias.
   */
  public String networkTarget() {
    if (networkName == null) {
      throw new IllegalStateException(label + " is on no network: give it one with onNetwork");
    }
    return networkName + ":" + PORT;
  }

  /** A channel from the test JVM to this peer, closed with the container. */
  public synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = Grpc.newChannelBuilder(target(), InsecureChannelCredentials.create()).build();
    }
    return channel;
  }

  @Override
  public void stop() {
    synchronized (this) {
      if (channel != null) {
        channel.shutdownNow();
        try {
          channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
        channel = null;
      }
    }
    super.stop();
  }
}
