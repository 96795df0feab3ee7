package dev.grpcinterop.harness.bench;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Statistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;

/**
 * The CPU time a container has used, as its cgroup counts it: the same for a server in any
 * language, and for a user's server image that has no shell.
 *
 * <p>Where the engine runs on this machine, the cgroup's own counter is read from the host's
 * /sys/fs/cgroup at once. Elsewhere (Docker Desktop, a remote engine, rootless) it comes through
 * Docker's stats, which answer one to two seconds after they are asked, because the engine's
 * collector samples once a second, even with one-shot; the time of the read comes with it, so a
 * rate over two samples is right whenever each was asked.
 */
final class ContainerCpu {
  private static final Duration READ_WITHIN = Duration.ofSeconds(15);

  /** Docker's stats read takes about this long; such a sample is asked for this much early. */
  private static final Duration STATS_LEAD = Duration.ofSeconds(1);

  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  /** The container's CPU time so far, and when it was read. */
  record Sample(Instant read, long cpuNanos) {}

  private final String containerId;
  private final Optional<Path> counter;

  private ContainerCpu(String containerId, Optional<Path> counter) {
    this.containerId = containerId;
    this.counter = counter;
  }

  /** The reader of one container's CPU time, by the quickest means this machine offers. */
  static ContainerCpu of(String containerId) {
    return new ContainerCpu(
        containerId,
        counterFiles(containerId).stream()
            .map(CGROUPS::resolve)
            .filter(Files::isReadable)
            .findFirst());
  }

  /** How long before the wanted moment a sample must be asked for. */
  Duration lead() {
    return counter.isPresent() ? Duration.ZERO : STATS_LEAD;
  }

  Sample sample() throws InterruptedException {
    if (counter.isPresent()) {
      try {
        Instant read = Instant.now();
        return new Sample(
            read,
            cpuNanos(counter.get().getFileName().toString(), Files.readString(counter.get())));
      } catch (IOException | IllegalArgumentException unreadable) {
        // The container stopped, or the file is not what it was; Docker says why, if anything.
      }
    }
    return viaDockerStats();
  }

  /**
   * Where a container's CPU counter lies under /sys/fs/cgroup, for cgroup v1 and v2 with either of
   * Docker's cgroup drivers (cgroupfs, systemd). The id is the full one, unique to this engine, so
   * a file found is this container's.
   */
  static List<String> counterFiles(String containerId) {
    return List.of(
        "cpuacct/docker/" + containerId + "/cpuacct.usage",
        "cpuacct/system.slice/docker-" + containerId + ".scope/cpuacct.usage",
        "docker/" + containerId + "/cpu.stat",
        "system.slice/docker-" + containerId + ".scope/cpu.stat");
  }

  /**
   * The CPU nanoseconds in a cgroup counter file: cgroup v1's cpuacct.usage holds nanoseconds; v2's
   * cpu.stat has a line "usage_usec" in microseconds.
   */
  static long cpuNanos(String fileName, String content) {
    if (fileName.equals("cpuacct.usage")) {
      return Long.parseLong(content.strip());
    }
    return content
        .lines()
        .filter(line -> line.startsWith("usage_usec "))
        .mapToLong(line -> Long.parseLong(line.substring("usage_usec ".length()).strip()) * 1000)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no usage_usec in " + fileName));
  }

  private Sample viaDockerStats() throws InterruptedException {
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
    } catch (ExecutionException | TimeoutException | IOException | RuntimeException failed) {
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
