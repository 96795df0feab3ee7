package dev.grpcinterop.harness.bench;

import dev.grpcinterop.interop.v1.DescribeResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run of the performance matrix: what ran where, every cell's rounds, and ghz's figures beside
 * the Go peer's where the run was calibrated.
 */
public record BenchmarkResult(
    Instant started,
    Duration took,
    BenchmarkSettings settings,
    BenchTopology.CpuSplit cpus,
    Map<String, DescribeResponse> peers,
    List<Scenario> scenarios,
    List<PairRounds> cells,
    List<Calibration> calibrations) {

  public Optional<PairRounds> cell(String scenario, String client, String server) {
    return cells.stream()
        .filter(c -> c.scenario().equals(scenario))
        .filter(c -> c.client().equals(client) && c.server().equals(server))
        .findFirst();
  }

  /** The cell every other of its scenario is compared with: java → java, else the first pair. */
  public Optional<PairRounds> reference(String scenario) {
    return cell(scenario, "java", "java")
        .or(() -> cells.stream().filter(c -> c.scenario().equals(scenario)).findFirst());
  }
}
