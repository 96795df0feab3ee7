package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.run.Verdicts.Judgement;
import dev.grpcinterop.harness.topology.Cell;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs cases on pairs, concurrently, and gives each its verdict. */
public final class MatrixRunner {
  private static final Logger log = LoggerFactory.getLogger(MatrixRunner.class);

  /** Cases mostly wait on the network and on paced streams, so more threads than cores pay off. */
  private static final int PARALLELISM = 8;

  /** Threads for cases that mostly sleep; they cost no CPU while they do. */
  private static final int MAX_WAITING = 128;

  /**
   * Every call a case makes carries a deadline, so cases end by themselves; this only bounds the
   * whole run should a library ignore its deadlines.
   */
  private static final Duration RUN_LIMIT = Duration.ofMinutes(20);

  private final KnownFailures knownFailures;

  public MatrixRunner(List<PeerManifest> peers) {
    this(new KnownFailures(peers));
  }

  public MatrixRunner(KnownFailures knownFailures) {
    this.knownFailures = knownFailures;
  }

  /**
   * Every case on every pair given, and how each went, in the order given. Cases that mostly wait
   * start first, each on a thread of its own, so that their sleeping overlaps the calls of the rest
   * instead of holding the slots those run in.
   */
  public List<CaseResult> run(List<? extends InteropCase> cases, List<? extends Cell> pairs)
      throws InterruptedException {
    long waiting = cases.stream().filter(InteropCase::waits).count() * pairs.size();
    ExecutorService calls = Executors.newFixedThreadPool(PARALLELISM);
    ExecutorService waits =
        Executors.newFixedThreadPool((int) Math.max(1, Math.min(waiting, MAX_WAITING)));
    try {
      Map<String, Future<CaseResult>> pending = new LinkedHashMap<>();
      for (boolean waitingFirst : List.of(true, false)) {
        for (Cell pair : pairs) {
          for (InteropCase interopCase : cases) {
            if (interopCase.waits() == waitingFirst) {
              pending.put(
                  key(pair, interopCase),
                  (waitingFirst ? waits : calls).submit(() -> runOne(pair, interopCase)));
            }
          }
        }
      }
      long giveUpAt = System.nanoTime() + RUN_LIMIT.toNanos();
      List<CaseResult> results = new ArrayList<>();
      for (Cell pair : pairs) {
        for (InteropCase interopCase : cases) {
          Future<CaseResult> result = pending.get(key(pair, interopCase));
          try {
            results.add(
                result.get(Math.max(0, giveUpAt - System.nanoTime()), TimeUnit.NANOSECONDS));
          } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                "the matrix did not finish within " + RUN_LIMIT.toMinutes() + " min: " + e, e);
          }
        }
      }
      return results;
    } finally {
      calls.shutdownNow();
      waits.shutdownNow();
    }
  }

  private static String key(Cell pair, InteropCase interopCase) {
    return pair.name() + " :: " + interopCase.name();
  }

  private CaseResult runOne(Cell pair, InteropCase interopCase) {
    Optional<String> notApplicable = interopCase.notApplicableTo(pair);
    if (notApplicable.isPresent()) {
      return new CaseResult(
          pair.clientLabel(),
          pair.serverLabel(),
          interopCase.name(),
          interopCase.group(),
          CaseResult.Verdict.NOT_APPLICABLE,
          0,
          "not applicable: " + notApplicable.get());
    }
    long start = System.nanoTime();
    Optional<String> failure = failure(pair, interopCase);
    long millis = (System.nanoTime() - start) / 1_000_000;
    Judgement judgement =
        Verdicts.judge(
            failure, knownFailures.match(pair.clientPeer(), pair.serverPeer(), interopCase.name()));
    if (judgement.verdict() == CaseResult.Verdict.FAILED) {
      log.warn(
          "{} failed: {}",
          CaseResult.fullName(pair.clientLabel(), pair.serverLabel(), interopCase.name()),
          judgement.detail());
    }
    return new CaseResult(
        pair.clientLabel(),
        pair.serverLabel(),
        interopCase.name(),
        interopCase.group(),
        judgement.verdict(),
        millis,
        judgement.detail());
  }

  /**
   * What went wrong, said for the person reading the CI log; empty when the pair kept the contract.
   */
  private static Optional<String> failure(Cell pair, InteropCase interopCase) {
    try {
      Mismatch mismatch = interopCase.run(pair);
      return mismatch.isEmpty()
          ? Optional.empty()
          : Optional.of(
              pair.name()
                  + " :: "
                  + interopCase.name()
                  + ": what the "
                  + pair.clientLabel()
                  + " client observed calling the "
                  + pair.serverLabel()
                  + " server differs"
                  + (interopCase.source().isEmpty()
                      ? ""
                      : " from the case at " + interopCase.source())
                  + ":\n"
                  + mismatch.describe());
    } catch (StatusRuntimeException refused) {
      return Optional.of(
          pair.name()
              + " :: "
              + interopCase.name()
              + ": the control service call failed: "
              + refused.getStatus()
              + " (the peer refused or could not carry out the description; see its log)");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (Exception | AssertionError unexpected) {
      return Optional.of(pair.name() + " :: " + interopCase.name() + ": " + unexpected);
    }
  }
}
