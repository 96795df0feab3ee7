package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.run.CaseResult.Verdict;
import java.util.Optional;

/**
 * The one place that turns how a case went into its verdict, given the known-failure entry that
 * matches it, if any. Pure, so that every outcome is unit-tested: a known failure that passes fails
 * the run (the list must stay true), unless the entry says the failure is a flaky race.
 */
public final class Verdicts {
  private Verdicts() {}

  /** A verdict and what the report says of it. */
  public record Judgement(Verdict verdict, String detail) {}

  /**
   * @param failure what went wrong, empty when the case kept the contract
   * @param known the known-failure entry matching the case, from either peer's manifest
   */
  public static Judgement judge(Optional<String> failure, Optional<KnownFailures.Entry> known) {
    if (known.isEmpty()) {
      return failure
          .map(f -> new Judgement(Verdict.FAILED, f))
          .orElse(new Judgement(Verdict.PASSED, ""));
    }
    KnownFailures.Entry entry = known.get();
    String manifest = entry.listedIn();
    if (failure.isPresent()) {
      return new Judgement(
          Verdict.KNOWN_FAILURE,
          (entry.flaky() ? "flaky " : "")
              + "known failure ("
              + entry.source()
              + ", in "
              + manifest
              + "): "
              + entry.reason()
              + "\n\n"
              + failure.get());
    }
    if (entry.flaky()) {
      return new Judgement(
          Verdict.PASSED,
          "passed this time; listed as flaky in " + manifest + ": " + entry.reason());
    }
    return new Judgement(
        Verdict.FAILED,
        "listed as a known failure in "
            + manifest
            + " ("
            + entry.source()
            + ": "
            + entry.reason()
            + "), but it passed: remove that entry so that the list stays true.");
  }
}
