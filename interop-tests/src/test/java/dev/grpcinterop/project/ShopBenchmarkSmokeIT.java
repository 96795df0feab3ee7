package dev.grpcinterop.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.bench.BenchmarkReport;
import dev.grpcinterop.harness.bench.BenchmarkResult;
import dev.grpcinterop.harness.bench.BenchmarkRun;
import dev.grpcinterop.harness.bench.BenchmarkSettings;
import dev.grpcinterop.harness.bench.SmokeVerdict;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.ProjectBench;
import dev.grpcinterop.harness.project.ProjectFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The performance matrix on a user's own contract: the example shop's benchmarks.yaml, every client
 * language against each of the shop's servers (Python and Node.js, built from its own folder), all
 * pairs of a scenario at once, one call each. The figures come from {@code interop-harness.jar
 * bench --project examples/shop/interop.yaml}.
 */
class ShopBenchmarkSmokeIT {
  private static final Logger log = LoggerFactory.getLogger(ShopBenchmarkSmokeIT.class);

  @Test
  void everyShopScenarioOnEveryClientAndShopServerGivesEveryFigure() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    var bench =
        ProjectBench.prepare(
            ProjectFile.read(
                root.resolve("examples/shop/interop.yaml"), "examples/shop/interop.yaml"),
            new ProtoCompiler(root.resolve("docker/protoc")));
    BenchmarkResult result;
    try (var topology = bench.start(root, Peers.discover(root))) {
      result =
          new BenchmarkRun(topology, BenchmarkSettings.smoke(), log::info).run(bench.scenarios());
    }
    log.info("shop benchmark smoke (all pairs at once):\n{}", BenchmarkReport.text(result));
    assertThat(result.servers()).containsExactly("python", "node");
    assertThat(result.clients())
        .containsExactlyElementsOf(Peers.discover(root).stream().map(p -> p.name()).toList());
    assertThat(result.scenarios()).hasSize(4);
    assertThat(SmokeVerdict.problems(result)).as("what the smoke found wrong").isEmpty();
  }
}
