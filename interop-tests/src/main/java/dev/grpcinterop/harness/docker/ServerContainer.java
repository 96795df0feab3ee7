package dev.grpcinterop.harness.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.images.builder.Transferable;

/**
 * A user's server under test, run from its image as it is: its port, environment and arguments as
 * the project file gives them, on the run's network under its name. Closed by whoever started it.
 */
public final class ServerContainer extends GenericContainer<ServerContainer> {
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

  /** Where a server instance that serves TLS finds its certificate, key and client CA. */
  public static final String CERTIFICATES = "/tmp/interop-tls/";

  private final String name;
  private final int port;
  private final String readiness;

  /**
   * @param healthReadiness whether ready means the gRPC health service answers SERVING; otherwise
   *     the port accepting connections
   */
  public ServerContainer(
      String image,
      String name,
      int port,
      Map<String, String> env,
      List<String> args,
      boolean healthReadiness,
      Network network) {
    super(image);
    this.name = name;
    this.port = port;
    this.readiness = healthReadiness ? "health" : "port";
    withExposedPorts(port);
    withEnv(env);
    if (!args.isEmpty()) {
      withCommand(args.toArray(String[]::new));
    }
    withNetwork(network);
    withNetworkAliases(name);
    WaitStrategy ready =
        healthReadiness ? new GrpcHealthWaitStrategy(port) : Wait.forListeningPort();
    waitingFor(ready.withStartupTimeout(STARTUP_LIMIT));
    withLogConsumer(
        new Slf4jLogConsumer(LoggerFactory.getLogger("server." + name))
            .withSeparateOutputStreams());
  }

  /**
   * Hands the server a certificate (and, for an instance that requires client certificates, the CA
   * they must come from) at the paths the harness's own peers use.
   */
  public ServerContainer withCertificate(byte[] certificate, byte[] privateKey, byte[] clientCa) {
    withCopyToContainer(Transferable.of(certificate), CERTIFICATES + "server.pem");
    withCopyToContainer(Transferable.of(privateKey), CERTIFICATES + "server.key");
    if (clientCa != null) {
      withCopyToContainer(Transferable.of(clientCa), CERTIFICATES + "client-ca.pem");
    }
    return this;
  }

  public int port() {
    return port;
  }

  /** "health" or "port": how the harness knows the server is ready. */
  public String readiness() {
    return readiness;
  }

  public String name() {
    return name;
  }

  /** host:port of the server as the clients' containers dial it. */
  public String networkTarget() {
    return name + ":" + port;
  }
}
