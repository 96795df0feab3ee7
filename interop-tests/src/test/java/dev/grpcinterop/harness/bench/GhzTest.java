package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GhzTest {
  /** The parts of a ghz 0.121 JSON report the calibration reads; durations are in nanoseconds. */
  private static final String REPORT =
      """
      {"date":"2026-12-02T06:00:00Z","count":5000,"total":1000000000,"average":380000,
       "rps":4990.5,
       "latencyDistribution":[{"percentage":10,"latency":200000},{"percentage":50,"latency":350000},
         {"percentage":90,"latency":500000},{"percentage":99,"latency":900000}],
       "statusCodeDistribution":{"OK":4998,"Unavailable":2},
       "errorDistribution":{"rpc error: code = Unavailable":2}}
      """;

  @Test
  void readsCallsPerSecondPercentilesAndFailedCalls() {
    assertThat(Ghz.parse(REPORT)).isEqualTo(new Ghz.Figures(5000, 4990.5, 350, 900, 2));
  }

  @Test
  void theGoPeerAgreesWithGhzWithinFifteenPerCent() {
    var go = LoadFigures.of(SmokeVerdictTest.load(4500, 0), 0.5);
    var close =
        new Calibration("unary_latency", "java", List.of(new Ghz.Figures(5000, 5000, 1, 1, 0)));
    var far =
        new Calibration("unary_latency", "java", List.of(new Ghz.Figures(6000, 6000, 1, 1, 0)));
    var result =
        new BenchmarkResult(
            Instant.EPOCH,
            Duration.ZERO,
            BenchmarkSettings.figures(),
            BenchTopology.CpuSplit.of(2),
            Map.of(),
            List.of("java"),
            List.of(),
            List.of(new PairRounds("unary_latency", "go", "java", List.of(go))),
            List.of(close, far));
    assertThat(close.ratio(result)).isEqualTo(0.9);
    assertThat(close.agrees(result)).isTrue();
    assertThat(far.ratio(result)).isEqualTo(0.75);
    assertThat(far.agrees(result)).isFalse();
    assertThat(BenchmarkReport.text(result)).contains("go/ghz 0.75  OUTSIDE the tolerance");
  }
}
