package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.BuiltInProject;
import dev.grpcinterop.harness.project.ProjectRun;
import dev.grpcinterop.harness.report.ReportMerge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two shards of a run, merged, are the unsharded run: the same cases, in the same order, with the
 * same outcomes. On a small part of the calculator's matrix (two languages, a few written cases,
 * the skew pairs they make, and the generated Calculate cases), run three times for real.
 */
class ShardedRunIT {
  /**
   * Cases no known failure of go or python names as flaky, so outcomes must match exactly. Go and
   * Python, not Java: they start in a fraction of a JVM's time, and both have a released build, so
   * the skew pairs are sharded too.
   */
  private static final String CASES =
      "unary,empty_unary,server_streaming,client_streaming,generated_calculate_*";

  private static final Path OUT = Path.of("target/sharded-run");

  @Test
  void twoShardsMergedAreTheUnshardedRun() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    List<PeerManifest> peers = List.of(Peers.named(root, "go"), Peers.named(root, "python"));
    run(root, peers, "", OUT.resolve("whole"));
    run(root, peers, "1/2", OUT.resolve("shard-1"));
    run(root, peers, "2/2", OUT.resolve("shard-2"));
    ReportMerge.merge(
        List.of(OUT.resolve("shard-2"), OUT.resolve("shard-1")), OUT.resolve("merged"));

    List<String> whole = outcomes(OUT.resolve("whole"));
    List<String> first = outcomes(OUT.resolve("shard-1"));
    List<String> second = outcomes(OUT.resolve("shard-2"));
    assertThat(whole).hasSizeGreaterThan(40);
    assertThat(first).isNotEmpty().doesNotContainAnyElementsOf(second);
    assertThat(first.size() + second.size()).isEqualTo(whole.size());
    assertThat(outcomes(OUT.resolve("merged"))).containsExactlyElementsOf(whole);
  }

  private static void run(Path root, List<PeerManifest> peers, String shard, Path report)
      throws Exception {
    String cases = System.getProperty("interop.cases");
    String shards = System.getProperty("interop.shard");
    System.setProperty("interop.cases", CASES);
    System.setProperty("interop.shard", shard);
    ProjectRun run;
    try {
      run =
          ProjectRun.prepare(
              BuiltInProject.read(root), new ProtoCompiler(root.resolve("docker/protoc")), peers);
    } finally {
      restore("interop.cases", cases);
      restore("interop.shard", shards);
    }
    run.execute(root, report);
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  /** "matrix go → python :: unary passed", in the report's order, skew pairs after the matrix. */
  private static List<String> outcomes(Path report) throws Exception {
    JsonNode root = new ObjectMapper().readTree(report.resolve("matrix.json").toFile());
    List<String> outcomes = new ArrayList<>();
    for (String section : List.of("matrix", "skew")) {
      JsonNode pairs =
          section.equals("matrix") ? root.path("pairs") : root.path("skew").path("pairs");
      for (JsonNode pair : pairs) {
        for (JsonNode c : pair.path("cases")) {
          outcomes.add(
              section
                  + " "
                  + pair.path("client").asText()
                  + " → "
                  + pair.path("server").asText()
                  + " :: "
                  + c.path("name").asText()
                  + " "
                  + c.path("outcome").asText());
        }
      }
    }
    return outcomes;
  }
}
