package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.docker.PeerContainer;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;

/** Stops and starts a replica's container in place, as an orchestrator's rolling restart would. */
public final class Replicas {
  private static final int STOP_SECONDS = 10;
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private Replicas() {}

  /** SIGTERM, so that the server shuts down gracefully and says GOAWAY to its clients. */
  public static void stop(PeerContainer replica) {
    DockerClientFactory.instance()
        .client()
        .stopContainerCmd(replica.getContainerId())
        .withTimeout(STOP_SECONDS)
        .exec();
  }

  /** Starts the container again and waits until it runs; clients find it by name again. */
  public static void start(PeerContainer replica) throws InterruptedException {
    var docker = DockerClientFactory.instance().client();
    docker.startContainerCmd(replica.getContainerId()).exec();
    long giveUpAt = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < giveUpAt) {
      var state = docker.inspectContainerCmd(replica.getContainerId()).exec().getState();
      if (Boolean.TRUE.equals(state.getRunning())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        replica.label() + " did not run again within " + READY_WITHIN.toSeconds() + " s");
  }
}
