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

/**
 * A user's server under test, run from its image as it is: its port, environment and arguments as
 * the project file gives them, on the run's network under its name. Closed by whoever started it.
 */
public final class ServerContainer extends GenericContainer<ServerContainer> {
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

  private final String name;
  private final int port;

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

  public String name() {
    return name;
  }

  /** host:port of the server as the clients' containers dial it. */
  public String networkTarget() {
    return name + ":" + port;
  }
}
