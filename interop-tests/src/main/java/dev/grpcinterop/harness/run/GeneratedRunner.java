package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.cases.generated.Consensus;
import dev.grpcinterop.harness.cases.generated.GeneratedCase;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.run.Verdicts.Judgement;
import dev.grpcinterop.harness.topology.Cell;
import io.grpc.StatusRuntimeException;
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

/**
 * Runs each generated case on every pair at once, then judges the pairs' answers together: a
 * generated case has no expectation of its own, only the consensus of the matrix.
 */
public final class GeneratedRunner {
  private static final int PARALLELISM = 8;
  private static final long CASE_LIMIT_SECONDS = 60;

  private final KnownFailures knownFailures;
  private final Contract contract;

  public GeneratedRunner(List<PeerManifest> peers, Contract contract) {
    this(new KnownFailures(peers), contract);
  }

  public GeneratedRunner(KnownFailures knownFailures, Contract contract) {
    this.knownFailures = knownFailures;
    this.contract = contract;
  }

  public List<CaseResult> run(List<GeneratedCase> cases, List<? extends Cell> pairs)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM);
    List<CaseResult> results = new ArrayList<>();
    try {
      for (GeneratedCase generated : cases) {
        results.addAll(runOne(generated, pairs, pool));
      }
    } finally {
      pool.shutdownNow();
    }
    return results;
  }

  private List<CaseResult> runOne(
      GeneratedCase generated, List<? extends Cell> pairs, ExecutorService pool)
      throws InterruptedException {
    long start = System.nanoTime();
    Map<Cell, Future<Observation>> pending = new LinkedHashMap<>();
    for (Cell pair : pairs) {
      pending.put(
          pair,
          pool.submit(
              () ->
                  generated
                      .scope()
                      .apply(
                          Observation.of(
                              pair.call(generated.call()),
                              pair.clientContract(),
                              Optional.empty()))));
    }
    Map<String, Observation> observed = new LinkedHashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (var entry : pending.entrySet()) {
      try {
        observed.put(
            entry.getKey().name(), entry.getValue().get(CASE_LIMIT_SECONDS, TimeUnit.SECONDS));
      } catch (ExecutionException failed) {
        Throwable cause = failed.getCause();
        refused.put(
            entry.getKey().name(),
            cause instanceof StatusRuntimeException status
                ? "the control service call failed: " + status.getStatus()
                : cause.toString());
      } catch (TimeoutException stuck) {
        refused.put(entry.getKey().name(), "no report within " + CASE_LIMIT_SECONDS + " s");
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000 / Math.max(1, pairs.size());
    Map<String, Mismatch> judged = Consensus.judge(observed);
    List<CaseResult> results = new ArrayList<>();
    for (Cell pair : pairs) {
      Optional<String> failure =
          Optional.ofNullable(refused.get(pair.name()))
              .or(
                  () ->
                      Optional.ofNullable(judged.get(pair.name()))
                          .filter(m -> !m.isEmpty())
                          .map(Mismatch::describe))
              .map(
                  problem ->
                      pair.name()
                          + " :: "
                          + generated.name()
                          + " ("
                          + generated.requestsJson(contract)
                          + "):\n"
                          + problem);
      Judgement judgement =
          Verdicts.judge(
              failure, knownFailures.match(pair.clientPeer(), pair.serverPeer(), generated.name()));
      results.add(
          new CaseResult(
              pair.clientLabel(),
              pair.serverLabel(),
              generated.name(),
              GeneratedCase.GROUP,
              judgement.verdict(),
              millis,
              judgement.detail()));
    }
    return results;
  }
}
