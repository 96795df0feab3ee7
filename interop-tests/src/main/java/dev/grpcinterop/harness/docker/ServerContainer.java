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

  /** How the harness knows a server is ready. */
  public enum Readiness {
    /** The gRPC health service answers SERVING. */
    HEALTH,
    /** The port accepts connections and a first call gets a gRPC answer, whatever its status. */
    FIRST_CALL,
    /** The port accepts connections: for a TLS instance, which a plaintext call cannot reach. */
    PORT
  }

  public ServerContainer(
      String image,
      String name,
      int port,
      Map<String, String> env,
      List<String> args,
      Readiness readiness,
      Network network) {
    super(image);
    this.name = name;
    this.port = port;
    this.readiness =
        switch (readiness) {
          case HEALTH -> "health";
          case FIRST_CALL -> "port, then a first call";
          case PORT -> "port";
        };
    withExposedPorts(port);
    withEnv(env);
    if (!args.isEmpty()) {
      withCommand(args.toArray(String[]::new));
    }
    withNetwork(network);
    withNetworkAliases(name);
    WaitStrategy ready =
        switch (readiness) {
          case HEALTH -> new GrpcHealthWaitStrategy(port);
          case FIRST_CALL -> GrpcHealthWaitStrategy.anyAnswer(port);
          case PORT -> Wait.forListeningPort();
        };
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

  /** How the harness knows the server is ready, as a message says it. */
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
