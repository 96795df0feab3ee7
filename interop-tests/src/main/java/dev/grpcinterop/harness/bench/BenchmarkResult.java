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
 *
 * @param peers the client languages, with what each peer's Describe says of its library
 * @param servers the servers' names: the same languages on the built-in contract, a project's own
 *     servers on a user's
 */
public record BenchmarkResult(
    Instant started,
    Duration took,
    BenchmarkSettings settings,
    BenchTopology.CpuSplit cpus,
    Map<String, DescribeResponse> peers,
    List<String> servers,
    List<Scenario> scenarios,
    List<PairRounds> cells,
    List<Calibration> calibrations) {

  public Optional<PairRounds> cell(String scenario, String client, String server) {
    return cells.stream()
        .filter(c -> c.scenario().equals(scenario))
        .filter(c -> c.client().equals(client) && c.server().equals(server))
        .findFirst();
  }

  /** The client languages, the rows of every matrix. */
  public List<String> clients() {
    return List.copyOf(peers.keySet());
  }

  /** The pair every cell is compared with: "java → java", else the first client's first server. */
  public String referencePair() {
    String client = clients().isEmpty() || clients().contains("java") ? "java" : clients().get(0);
    String server = servers.isEmpty() || servers.contains("java") ? "java" : servers.get(0);
    return client + " → " + server;
  }

  /** The cell every other of its scenario is compared with: java → java, else the first pair. */
  public Optional<PairRounds> reference(String scenario) {
    String[] pair = referencePair().split(" → ");
    return cell(scenario, pair[0], pair[1]);
  }
}
