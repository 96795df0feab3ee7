package dev.grpcinterop.harness;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;

/**
 * One running peer, of any language: its server on {@link #PORT}, reachable from the test JVM by
 * {@link #target()} and from other peers' containers by {@link #networkTarget()}. Closed by whoever
 * started it.
 */
public final class PeerContainer extends GenericContainer<PeerContainer> {
  /** The port every peer serves on when started with no arguments. */
  public static final int PORT = 50051;

  private final String peer;
  private final String label;
  private ManagedChannel channel;

  public PeerContainer(PeerImage image) {
    this(image, image.peer());
  }

  /** A peer shown under another label, such as "python@baseline" for one built from the baseline. */
  public PeerContainer(PeerImage image, String label) {
    super(image.resolve());
    this.peer = image.peer();
    this.label = label;
    withExposedPorts(PORT);
    withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("peer." + label.replace('@', '-'))).withSeparateOutputStreams());
    waitingFor(new GrpcHealthWaitStrategy(PORT));
  }

  /** Joins {@code network} as the host name {@code alias}, where the other peers can dial it. */
  public PeerContainer onNetwork(Network network, String alias) {
    return withNetwork(network).withNetworkAliases(alias);
  }

  /** The peer's language, as its folder names it: known failures are declared per language. */
  public String peer() {
    return peer;
  }

  /** How the report names this instance: the language, and "@baseline" for the released contract. */
  public String label() {
    return label;
  }

  /** host:port of this peer's server, as seen from the test JVM. */
  public String target() {
    return getHost() + ":" + getMappedPort(PORT);
  }

  /** host:port of this peer's server, as seen from another container on its network. */
  public String networkTarget() {
    return getNetworkAliases().get(getNetworkAliases().size() - 1) + ":" + PORT;
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
