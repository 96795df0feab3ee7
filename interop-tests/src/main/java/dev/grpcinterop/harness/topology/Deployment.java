package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.docker.PeerContainer;

import com.google.protobuf.ByteString;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.Tls;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the servers of a run are deployed beyond their plaintext port, and the names that reach them
 * on the run's network: every server also serves TLS on {@link #TLS_PORT}; a second instance of each
 * ("&lt;peer&gt;-mtls") requires client certificates; a third ("&lt;peer&gt;-keepalive") permits client
 * keepalive pings every {@link #KEEPALIVE_PERMIT_TIME}, where the others keep their library's
 * default policy; three replicas ("&lt;peer&gt;-replicas", one DNS name for three addresses) serve
 * load-balanced calls. The CAs are made fresh for each run.
 */
public final class Deployment {
  public static final int TLS_PORT = 50443;
  public static final int REPLICAS = 3;
  /** How often the "-keepalive" instances permit client pings, with or without calls in flight. */
  public static final java.time.Duration KEEPALIVE_PERMIT_TIME = java.time.Duration.ofSeconds(5);

  private final CertificateAuthority ca = CertificateAuthority.create("grpc-interop test CA");
  private final CertificateAuthority.Issued clientCertificate = ca.client("interop-client");
  private final CertificateAuthority.Issued strangerCertificate =
      CertificateAuthority.create("another CA").client("stranger");
  private final Map<String, List<PeerContainer>> replicas = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> replicaLocks = new ConcurrentHashMap<>();
  private final Map<String, PeerContainer> keepaliveServers = new ConcurrentHashMap<>();

  public static Deployment create() {
    return new Deployment();
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public void addReplica(String server, PeerContainer replica) {
    replicas.computeIfAbsent(server, s -> new CopyOnWriteArrayList<>()).add(replica);
  }

  public void addKeepalive(String server, PeerContainer instance) {
    keepaliveServers.put(server, instance);
  }

  /** The instance of the server that permits keepalive pings every {@link #KEEPALIVE_PERMIT_TIME}. */
  public PeerContainer keepaliveServer(String server) {
    PeerContainer instance = keepaliveServers.get(server);
    if (instance == null) {
      throw new IllegalStateException("no keepalive instance of " + server + " was started");
    }
    return instance;
  }

  /** The keepalive instance of the server, by its name on the run's network. */
  public static String keepaliveTarget(String server) {
    return server + "-keepalive:" + PeerContainer.PORT;
  }

  public List<PeerContainer> replicas(String server) {
    return replicas.getOrDefault(server, List.of());
  }

  /**
   * Runs {@code work} while no other case uses the server's replicas: cases that stop or restart a
   * replica must not meet one that counts them.
   */
  public void withReplicas(String server, ReplicaWork work) throws Exception {
    ReentrantLock lock = replicaLocks.computeIfAbsent(server, s -> new ReentrantLock());
    lock.lock();
    try {
      work.run(replicas(server));
    } finally {
      lock.unlock();
    }
  }

  @FunctionalInterface
  public interface ReplicaWork {
    void run(List<PeerContainer> replicas) throws Exception;
  }

  /** One replica by its own name, for the reconnection case. */
  public static String replicaTarget(PeerContainer replica) {
    return replica.label() + ":" + PeerContainer.PORT;
  }

  /** The server's TLS port, by a name its certificate carries. */
  public static String tlsTarget(String server) {
    return server + ":" + TLS_PORT;
  }

  /** The server's TLS port, by a name its certificate does not carry. */
  public static String wrongNameTarget(String server) {
    return server + "-wrongname:" + TLS_PORT;
  }

  /** The instance of the server that requires client certificates. */
  public static String mtlsTarget(String server) {
    return server + "-mtls:" + TLS_PORT;
  }

  /** One DNS name resolving to every replica of the server. */
  public static String replicasTarget(String server) {
    return "dns:///" + server + "-replicas:" + PeerContainer.PORT;
  }

  /** TLS trusting this run's CA, without a client certificate. */
  public ChannelConfig tls() {
    return ChannelConfig.newBuilder()
        .setTls(Tls.newBuilder().setCaCert(ByteString.copyFrom(ca.certificate())))
        .build();
  }

  /** TLS with a client certificate this run's CA issued. */
  public ChannelConfig mtls() {
    return withClient(clientCertificate);
  }

  /** TLS with a client certificate from a CA the servers do not trust. */
  public ChannelConfig mtlsWrongCa() {
    return withClient(strangerCertificate);
  }

  private ChannelConfig withClient(CertificateAuthority.Issued client) {
    return ChannelConfig.newBuilder()
        .setTls(
            Tls.newBuilder()
                .setCaCert(ByteString.copyFrom(ca.certificate()))
                .setClientCert(ByteString.copyFrom(client.certificate()))
                .setClientKey(ByteString.copyFrom(client.privateKey())))
        .build();
  }
}
