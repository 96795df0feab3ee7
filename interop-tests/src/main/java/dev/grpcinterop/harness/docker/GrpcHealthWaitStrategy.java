package dev.grpcinterop.harness.docker;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Ready means the standard gRPC health service answers SERVING: a peer's own word, not a sleep. For
 * a server that may not serve it, {@link #anyAnswer} takes any gRPC answer to the health check
 * (UNIMPLEMENTED from a server without it): a first call, which an open port alone does not prove.
 */
public final class GrpcHealthWaitStrategy extends AbstractWaitStrategy {
  private static final Duration CHECK_DEADLINE = Duration.ofSeconds(1);
  private final int port;
  private final boolean servingRequired;

  public GrpcHealthWaitStrategy(int port) {
    this(port, true);
  }

  private GrpcHealthWaitStrategy(int port, boolean servingRequired) {
    this.port = port;
    this.servingRequired = servingRequired;
    withStartupTimeout(Duration.ofSeconds(60));
  }

  /** Ready when a call to the port gets any answer from a gRPC server, whatever its status. */
  public static GrpcHealthWaitStrategy anyAnswer(int port) {
    return new GrpcHealthWaitStrategy(port, false);
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
          if (status == ServingStatus.SERVING || !servingRequired) {
            return;
          }
          lastSeen = "health status " + status;
        } catch (StatusRuntimeException notYet) {
          if (!servingRequired && answered(notYet.getStatus().getCode())) {
            return;
          }
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
        (servingRequired ? "gRPC health at " : "a first gRPC call to ")
            + target
            + (servingRequired ? " did not answer SERVING within " : " got no answer within ")
            + startupTimeout.toSeconds()
            + " s (last: "
            + lastSeen
            + ")");
  }

  /**
   * Whether a call that failed with {@code code} was answered by a gRPC server: not when nothing
   * listens (UNAVAILABLE) or nothing answers in time.
   */
  static boolean answered(Status.Code code) {
    return code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED;
  }
}
