package dev.grpcinterop.harness.docker;

import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.model.ExposedPort;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/** A user's server image given by name: used as it is when present, else pulled once. */
public final class ServerImage {
  private static final long PULL_LIMIT_SECONDS = 120;

  private ServerImage() {}

  /**
   * Returns when {@code image} is on this machine, pulling it if need be; throws with the engine's
   * own words when it cannot be had. One pull, not Testcontainers' minutes of retries: an image
   * that is not there is usually a typo or an image not built yet.
   */
  public static void ensurePresent(String image) {
    if (ImageInputs.imageExists(image)) {
      return;
    }
    try {
      boolean done =
          DockerClientFactory.instance()
              .client()
              .pullImageCmd(image)
              .exec(new PullImageResultCallback())
              .awaitCompletion(PULL_LIMIT_SECONDS, TimeUnit.SECONDS);
      if (!done) {
        throw new IllegalStateException("no pull within " + PULL_LIMIT_SECONDS + " s");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pulling");
    }
    if (!ImageInputs.imageExists(image)) {
      throw new IllegalStateException("the pull did not bring it");
    }
  }

  /**
   * The ports {@code image} declares with EXPOSE, such as "8080/tcp", for a message about a server
   * that never got ready on the port it was given; empty when it declares none or cannot be read.
   */
  public static List<String> exposedPorts(String image) {
    try {
      ExposedPort[] ports =
          DockerClientFactory.instance()
              .client()
              .inspectImageCmd(image)
              .exec()
              .getConfig()
              .getExposedPorts();
      return ports == null ? List.of() : Arrays.stream(ports).map(ExposedPort::toString).toList();
    } catch (RuntimeException unreadable) {
      return List.of();
    }
  }
}
