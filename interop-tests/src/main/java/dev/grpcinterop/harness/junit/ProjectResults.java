package dev.grpcinterop.harness.junit;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.grpcinterop.harness.run.CaseResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * A run's results as JUnit tests, one per case and pair, grouped by pair: a failure fails, a known
 * failure passes (its reason is in the report), and a case that does not apply to a pair is aborted
 * with its reason, so that it shows as such and never as passed.
 */
public final class ProjectResults {
  private ProjectResults() {}

  public static Stream<DynamicNode> byPair(List<CaseResult> results, String reportDir) {
    return results.stream()
        .map(r -> r.client() + " → " + r.server())
        .distinct()
        .map(
            pair ->
                dynamicContainer(
                    pair,
                    results.stream()
                        .filter(r -> (r.client() + " → " + r.server()).equals(pair))
                        .map(r -> dynamicTest(r.fullName(), () -> verify(r, reportDir)))));
  }

  private static void verify(CaseResult result, String reportDir) {
    switch (result.verdict()) {
      case FAILED ->
          throw new AssertionFailedError(
              result.fullName() + " failed:\n" + result.detail() + "\n(report: " + reportDir + ")");
      case NOT_APPLICABLE -> throw new TestAbortedException(result.detail());
      case PASSED, KNOWN_FAILURE -> {}
    }
  }
}
