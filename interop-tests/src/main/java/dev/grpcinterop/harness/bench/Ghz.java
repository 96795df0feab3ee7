package dev.grpcinterop.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.FolderImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.Transferable;

/**
 * ghz (docker/ghz/), the independent load tester the Go peer's load generator is calibrated
 * against: the same scenario, the same server, the same CPUs as the clients, run once for the
 * warm-up and once measured.
 */
public final class Ghz {
  /** What ghz measured: calls per second and latency percentiles, and calls that failed. */
  public record Figures(
      long calls, double callsPerSecond, double p50Micros, double p99Micros, long failed) {}

  private final String image;
  private final byte[] descriptorSet;

  private Ghz(String image, byte[] descriptorSet) {
    this.image = image;
    this.descriptorSet = descriptorSet;
  }

  /** ghz's image, built from docker/ghz/ where no image of its inputs exists yet. */
  public static Ghz prepare(Path root, Contract contract) {
    String extraCa = System.getenv("INTEROP_EXTRA_CA_DIR");
    var folder =
        new FolderImage("ghz image", "grpc-interop/ghz", root.resolve("docker/ghz"), "Dockerfile")
            .withInput(
                "extra-ca",
                extraCa == null || extraCa.isBlank()
                    ? root.resolve("docker/extra-ca")
                    : Path.of(extraCa));
    return new Ghz(folder.resolve(), contract.descriptorSet().toByteArray());
  }

  Figures run(
      Network network,
      String cpuSet,
      String target,
      Scenario scenario,
      Duration warmup,
      Duration duration) {
    if (!warmup.isZero()) {
      once(network, cpuSet, target, scenario, warmup);
    }
    return once(network, cpuSet, target, scenario, duration);
  }

  private Figures once(
      Network network, String cpuSet, String target, Scenario scenario, Duration duration) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "--insecure",
            "--protoset=/tmp/ghz/contract.binpb",
            "--call=" + scenario.method(),
            "--binary-file=/tmp/ghz/request.binpb",
            "--concurrency=" + scenario.concurrency(),
            "--connections=" + scenario.channels(),
            "--duration=" + duration.toMillis() + "ms",
            "--timeout=" + scenario.timeout().toMillis() + "ms",
            "--format=json",
            // The request as its bytes, and no template: rendering JSON data for every call took
            // half of ghz's rate on one core (8.6k against 18.6k calls/s to the Go server here),
            // and parsing a megabyte of JSON for each large call four fifths of it.
            "--disable-template-data",
            "--disable-template-functions",
            target));
    try (var ghz =
        new GenericContainer<>(image)
            .withNetwork(network)
            .withCopyToContainer(Transferable.of(descriptorSet), "/tmp/ghz/contract.binpb")
            .withCopyToContainer(
                Transferable.of(scenario.requests().get(0).toByteArray()), "/tmp/ghz/request.binpb")
            .withCommand(command.toArray(String[]::new))
            .withStartupCheckStrategy(
                new OneShotStartupCheckStrategy()
                    .withTimeout(duration.plus(scenario.timeout()).plusSeconds(60)))) {
      if (!cpuSet.isEmpty()) {
        ghz.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCpusetCpus(cpuSet));
      }
      ghz.start();
      return parse(ghz.getLogs(OutputFrame.OutputType.STDOUT));
    } catch (RuntimeException failed) {
      throw new IllegalStateException(
          "ghz did not run " + scenario.name() + " against " + target + ": " + failed.getMessage(),
          failed);
    }
  }

  /** ghz's JSON report: rps, the latency distribution in nanoseconds, calls by status. */
  static Figures parse(String json) {
    JsonNode report;
    try {
      report = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("ghz's output is not its JSON report: " + json, e);
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    for (JsonNode bucket : report.path("latencyDistribution")) {
      int percentage = bucket.path("percentage").asInt();
      if (percentage == 50) {
        p50 = bucket.path("latency").asDouble() / 1e3;
      } else if (percentage == 99) {
        p99 = bucket.path("latency").asDouble() / 1e3;
      }
    }
    long failed = 0;
    var statuses = report.path("statusCodeDistribution");
    var names = statuses.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("OK")) {
        failed += statuses.path(name).asLong();
      }
    }
    return new Figures(
        report.path("count").asLong(), report.path("rps").asDouble(), p50, p99, failed);
  }
}
