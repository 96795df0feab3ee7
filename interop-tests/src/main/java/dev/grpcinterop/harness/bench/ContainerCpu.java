package dev.grpcinterop.harness.bench;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Statistics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;

/**
 * The CPU time a container has used, as its cgroup counts it, read through Docker's stats: the same
 * for a server in any language, and for a user's server image that has no shell. Docker answers a
 * one-off read about a second after it is asked (it reads twice); the time of the read comes with
 * it, so a rate over two samples is right whenever each was asked.
 */
final class ContainerCpu {
  private static final Duration READ_WITHIN = Duration.ofSeconds(15);

  /** The container's CPU time so far, and when the engine read it. */
  record Sample(Instant read, long cpuNanos) {}

  private ContainerCpu() {}

  static Sample sample(String containerId) throws InterruptedException {
    var statistics = new CompletableFuture<Statistics>();
    try (var ignored =
        DockerClientFactory.instance()
            .client()
            .statsCmd(containerId)
            .withNoStream(true)
            .exec(
                new ResultCallback.Adapter<Statistics>() {
                  @Override
                  public void onNext(Statistics read) {
                    statistics.complete(read);
                  }

                  @Override
                  public void onError(Throwable failed) {
                    statistics.completeExceptionally(failed);
                  }
                })) {
      Statistics read = statistics.get(READ_WITHIN.toSeconds(), TimeUnit.SECONDS);
      return new Sample(
          Instant.parse(read.getRead()), read.getCpuStats().getCpuUsage().getTotalUsage());
    } catch (ExecutionException
        | TimeoutException
        | java.io.IOException
        | RuntimeException failed) {
      throw new IllegalStateException(
          "Docker did not report the CPU use of container " + containerId + ": " + failed, failed);
    }
  }

  /** The CPU used between two samples, in cores (CPU seconds per second); NaN when unknowable. */
  static double cores(Sample first, Sample second) {
    long nanos = Duration.between(first.read(), second.read()).toNanos();
    return nanos <= 0 ? Double.NaN : (double) (second.cpuNanos() - first.cpuNanos()) / nanos;
  }
}
