package dev.grpcinterop.harness.docker;

import com.github.dockerjava.api.command.PullImageResultCallback;
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
}
