package dev.grpcinterop.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.run.CaseResult.Verdict;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a case can end, with and without a known-failure entry. */
class VerdictsTest {
  private static final KnownFailures.Entry KNOWN =
      new KnownFailures.Entry(
          "node",
          KnownFailures.glob("* → node :: x"),
          "* → node :: x",
          "grpc-js cannot",
          false,
          "docker/node-peer/peer.yaml");
  private static final KnownFailures.Entry FLAKY =
      new KnownFailures.Entry(
          "python",
          KnownFailures.glob("python → * :: x"),
          "python → * :: x",
          "a race",
          true,
          "interop.yaml");

  static Stream<Arguments> outcomes() {
    return Stream.of(
        Arguments.of("passed, not listed", null, null, Verdict.PASSED, ""),
        Arguments.of(
            "failed, not listed",
            "status: expected OK",
            null,
            Verdict.FAILED,
            "status: expected OK"),
        Arguments.of(
            "failed, a known failure",
            "status: expected OK",
            KNOWN,
            Verdict.KNOWN_FAILURE,
            "known failure (* → node :: x, in docker/node-peer/peer.yaml): grpc-js cannot\n\nstatus: expected OK"),
        Arguments.of(
            "failed, listed as flaky",
            "status: expected OK",
            FLAKY,
            Verdict.KNOWN_FAILURE,
            "flaky known failure (python → * :: x, in interop.yaml): a race\n\nstatus: expected OK"),
        Arguments.of(
            "passed, listed as flaky",
            null,
            FLAKY,
            Verdict.PASSED,
            "passed this time; listed as flaky in interop.yaml: a race"),
        Arguments.of(
            "passed, a stale known failure",
            null,
            KNOWN,
            Verdict.FAILED,
            "listed as a known failure in docker/node-peer/peer.yaml (* → node :: x: grpc-js cannot), but it passed:"
                + " remove that entry so that the list stays true."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outcomes")
  void judges(
      String what, String failure, KnownFailures.Entry known, Verdict verdict, String detail) {
    var judgement = Verdicts.judge(Optional.ofNullable(failure), Optional.ofNullable(known));
    assertThat(judgement.verdict()).isEqualTo(verdict);
    assertThat(judgement.detail()).isEqualTo(detail);
  }
}
