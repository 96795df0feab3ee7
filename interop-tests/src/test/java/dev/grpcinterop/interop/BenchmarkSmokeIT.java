package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.bench.BenchTopology;
import dev.grpcinterop.harness.bench.BenchmarkReport;
import dev.grpcinterop.harness.bench.BenchmarkRun;
import dev.grpcinterop.harness.bench.BenchmarkSettings;
import dev.grpcinterop.harness.bench.ScenarioFile;
import dev.grpcinterop.harness.bench.SmokeVerdict;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-second run of every benchmark scenario on every client × server pair, all pairs of a
 * scenario at once: the performance matrix's machinery works end to end (each peer's load
 * generator, the servers' CPU read from their containers, the report), and no call of any load
 * fails. The figures themselves come from scripts/benchmark-pairs, one pair at a time.
 */
class BenchmarkSmokeIT {
  private static final Logger log = LoggerFactory.getLogger(BenchmarkSmokeIT.class);

  @Test
  void everyScenarioOnEveryPairGivesEveryFigureAndNoCallFails() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    var scenarios = ScenarioFile.calculator(Contracts.current());
    try (var topology = BenchTopology.start(root, Peers.discover(root))) {
      var result = new BenchmarkRun(topology, BenchmarkSettings.smoke(), log::info).run(scenarios);
      BenchmarkReport.write(result, Path.of("target/benchmark-report"));
      log.info(
          "benchmark smoke (figures of a shared machine, all pairs at once):\n{}",
          BenchmarkReport.text(result));
      assertThat(SmokeVerdict.problems(result)).as("what the smoke found wrong").isEmpty();
    }
  }
}
