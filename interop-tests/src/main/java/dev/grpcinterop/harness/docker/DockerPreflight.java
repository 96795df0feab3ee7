package dev.grpcinterop.harness.docker;

import org.testcontainers.DockerClientFactory;

/**
 * Fails the cross-language suite at once, in one sentence, when no Docker engine answers: the
 * alternative is a stack trace after minutes of retries.
 */
public final class DockerPreflight {
  private DockerPreflight() {}

  public static void requireDocker() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException(
          "The cross-language suite needs a running Docker engine and none answers"
              + " (DOCKER_HOST="
              + System.getenv().getOrDefault("DOCKER_HOST", "unset")
              + "):"
              + " start Docker (scripts/ensure-docker does it on Debian), or skip the suite with"
              + " -Dinterop.skip=true.");
    }
  }
}
