package dev.grpcinterop.harness.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The verdict of the benchmark's smoke: every cell has its figures and no call failed. The figures'
 * sizes are not judged (timings are not tests); that they exist and make sense is.
 */
public final class SmokeVerdict {
  private SmokeVerdict() {}

  /** What is wrong with the run, one line per cell and problem; empty when nothing is. */
  public static List<String> problems(BenchmarkResult result) {
    List<String> problems = new ArrayList<>();
    int pairs = result.clients().size() * result.servers().size();
    for (Scenario scenario : result.scenarios()) {
      long cells =
          result.cells().stream().filter(c -> c.scenario().equals(scenario.name())).count();
      if (cells != pairs) {
        problems.add(scenario.name() + ": " + cells + " cells measured, not " + pairs);
      }
    }
    for (PairRounds cell : result.cells()) {
      String where = cell.scenario() + " on " + cell.pair();
      if (cell.rounds().isEmpty()) {
        problems.add(where + ": no round was measured");
      }
      for (LoadFigures round : cell.rounds()) {
        if (round.calls() == 0) {
          problems.add(where + ": no call ended in the measured period");
          continue;
        }
        if (round.failedCalls() > 0) {
          problems.add(
              where
                  + ": "
                  + round.failedCalls()
                  + " of "
                  + round.calls()
                  + " calls failed, the first with "
                  + round.firstFailure());
        }
        check(problems, where, "calls/s", round.callsPerSecond(), true);
        check(problems, where, "messages/s", round.messagesPerSecond(), true);
        check(problems, where, "MB/s", round.megabytesPerSecond(), true);
        check(problems, where, "p50", round.p50Micros(), true);
        check(problems, where, "p99", round.p99Micros(), true);
        check(problems, where, "client CPU per call", round.clientCpuMicrosPerCall(), false);
        check(problems, where, "server CPU per call", round.serverCpuMicrosPerCall(), false);
        if (round.p99Micros() < round.p50Micros() || round.p999Micros() < round.p99Micros()) {
          problems.add(
              where
                  + ": percentiles out of order (p50 "
                  + round.p50Micros()
                  + ", p99 "
                  + round.p99Micros()
                  + ", p99.9 "
                  + round.p999Micros()
                  + " µs)");
        }
      }
    }
    return problems;
  }

  private static void check(
      List<String> problems, String where, String figure, double value, boolean aboveZero) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      problems.add(where + ": no " + figure + " figure");
    } else if (aboveZero ? value <= 0 : value < 0) {
      problems.add(where + ": " + figure + " is " + value);
    }
  }
}
