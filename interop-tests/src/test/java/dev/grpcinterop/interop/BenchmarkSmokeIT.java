package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.bench.BenchTopology;
import dev.grpcinterop.harness.bench.BenchmarkReport;
import dev.grpcinterop.harness.bench.BenchmarkResult;
import dev.grpcinterop.harness.bench.BenchmarkRun;
import dev.grpcinterop.harness.bench.BenchmarkSettings;
import dev.grpcinterop.harness.bench.ScenarioFile;
import dev.grpcinterop.harness.bench.SmokeVerdict;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short run of every benchmark scenario on every client × server pair, all pairs of a scenario at
 * once: the performance matrix's machinery works end to end (each peer's load generator, the
 * servers' CPU read from their containers, the report and its page), and no call of any load fails.
 * The figures themselves come from scripts/benchmark-pairs, one pair at a time.
 */
class BenchmarkSmokeIT {
  private static final Logger log = LoggerFactory.getLogger(BenchmarkSmokeIT.class);
  private static final Path REPORT = Path.of("target/benchmark-report");

  private static BenchmarkResult result;

  @BeforeAll
  static void runTheSmoke() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    var scenarios = ScenarioFile.calculator(Contracts.current());
    try (var topology = BenchTopology.start(root, Peers.discover(root))) {
      result = new BenchmarkRun(topology, BenchmarkSettings.smoke(), log::info).run(scenarios);
    }
    BenchmarkReport.write(result, REPORT);
    log.info(
        "benchmark smoke (figures of a shared machine, all pairs at once):\n{}",
        BenchmarkReport.text(result));
  }

  @Test
  void everyScenarioOnEveryPairGivesEveryFigureAndNoCallFails() {
    assertThat(SmokeVerdict.problems(result)).as("what the smoke found wrong").isEmpty();
  }

  @Test
  void thePageRendersInABrowserWithEveryHeatMapAndNoScriptError() throws Exception {
    var chromium = HeadlessChromium.find();
    Assumptions.assumeTrue(
        chromium.isPresent(),
        "no Chromium on this machine to open the page in (install Debian's chromium; .ci/run does)");
    String dom = HeadlessChromium.dumpDom(chromium.get(), REPORT.resolve("index.html"));
    int maps = result.scenarios().size() * 5;
    assertThat(dom)
        .as("the DOM after the page's scripts ran")
        .contains("data-heat-maps=\"" + maps + "\"");
    assertThat(dom).doesNotContain("data-script-errors");
    assertThat(dom.split("<table class=\"heat\"", -1)).hasSize(maps + 1);
  }
}
