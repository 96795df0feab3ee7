package dev.grpcinterop.harness.bench;

import java.util.List;

/**
 * ghz against one server in one unary scenario, round by round, beside the Go peer's own figures
 * for the same server: the Go client and ghz are both grpc-go, so their calls per second must agree
 * within {@link #TOLERANCE}, or the harness's load generator is what is wrong.
 */
public record Calibration(String scenario, String server, List<Ghz.Figures> rounds) {
  public static final double TOLERANCE = 0.15;

  public Measurement ghzCallsPerSecond() {
    return Measurement.of(rounds.stream().map(Ghz.Figures::callsPerSecond).toList());
  }

  /** The Go peer's calls per second over ghz's; NaN without a go → server cell. */
  public double ratio(BenchmarkResult result) {
    return result
        .cell(scenario, "go", server)
        .map(cell -> cell.measurement(LoadFigures::callsPerSecond).ratioTo(ghzCallsPerSecond()))
        .orElse(Double.NaN);
  }

  public boolean agrees(BenchmarkResult result) {
    double ratio = ratio(result);
    return !Double.isNaN(ratio) && Math.abs(ratio - 1) <= TOLERANCE;
  }
}
