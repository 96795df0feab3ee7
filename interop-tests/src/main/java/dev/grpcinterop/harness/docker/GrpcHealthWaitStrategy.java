package dev.grpcinterop.harness.docker;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/** Ready means the standard gRPC health service answers SERVING: a peer's own word, not a sleep. */
public final class GrpcHealthWaitStrategy extends AbstractWaitStrategy {
  private static final Duration CHECK_DEADLINE = Duration.ofSeconds(1);
  private final int port;

  public GrpcHealthWaitStrategy(int port) {
    this.port = port;
    withStartupTimeout(Duration.ofSeconds(60));
  }

  @Override
  protected void waitUntilReady() {
    String target = waitStrategyTarget.getHost() + ":" + waitStrategyTarget.getMappedPort(port);
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    long giveUpAt = System.nanoTime() + startupTimeout.toNanos();
    String lastSeen = "no answer";
    try {
      while (System.nanoTime() < giveUpAt) {
        if (!waitStrategyTarget.isRunning()) {
          throw new ContainerLaunchException(
              "the container exited before its health service answered; see its log above");
        }
        try {
          ServingStatus status =
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(CHECK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus();
          if (status == ServingStatus.SERVING) {
            return;
          }
          lastSeen = "health status " + status;
        } catch (StatusRuntimeException notYet) {
          lastSeen = notYet.getStatus().toString();
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      channel.shutdownNow();
    }
    throw new ContainerLaunchException(
        "gRPC health at "
            + target
            + " did not answer SERVING within "
            + startupTimeout.toSeconds()
            + " s (last: "
            + lastSeen
            + ")");
  }
}
