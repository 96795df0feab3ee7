package dev.grpcinterop.harness.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseResult.Verdict;
import dev.grpcinterop.harness.run.Shard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMergeTest {
  @TempDir Path dir;

  private static final List<String> PEERS = List.of("java", "go");
  private static final List<String> ORDER = List.of("unary", "tls_unary", "generated_calc_0");

  private static List<CaseResult> all() {
    List<CaseResult> results = new ArrayList<>();
    for (String client : PEERS) {
      for (String server : PEERS) {
        for (String name : ORDER) {
          boolean odd = client.equals("go") && name.equals("tls_unary");
          results.add(
              new CaseResult(
                  client,
                  server,
                  name,
                  "Calls",
                  odd ? Verdict.KNOWN_FAILURE : Verdict.PASSED,
                  10,
                  odd ? "known failure" : ""));
        }
      }
    }
    return results;
  }

  private static InteropReport report(List<CaseResult> results) {
    var report =
        new InteropReport(
            "gRPC interop matrix",
            "every client against every server",
            new InteropReport.Section("Every client against every server", PEERS, PEERS, results),
            null,
            "none",
            1000);
    report.withStaticCheck(List.of(), Optional.empty(), "proto-baseline");
    return report;
  }

  @Test
  void twoShardsMergeIntoTheUnshardedReport() throws Exception {
    report(all()).write(dir.resolve("whole"), Map.of());
    // Shard 1: java's pairs' written cases; shard 2: go's, and the generated case on every pair.
    List<CaseResult> first =
        all().stream()
            .filter(r -> r.client().equals("java") && !r.caseName().startsWith("generated_"))
            .toList();
    List<CaseResult> second = all().stream().filter(r -> !first.contains(r)).toList();
    report(first).asShard(new Shard(1, 2), ORDER).write(dir.resolve("1"), Map.of("java", "log"));
    report(second).asShard(new Shard(2, 2), ORDER).write(dir.resolve("2"), Map.of());

    ReportMerge.merge(List.of(dir.resolve("2"), dir.resolve("1")), dir.resolve("merged"));

    var json = new ObjectMapper();
    var whole = json.readTree(dir.resolve("whole/matrix.json").toFile());
    var merged = json.readTree(dir.resolve("merged/matrix.json").toFile());
    assertThat(merged.path("pairs")).isEqualTo(whole.path("pairs"));
    assertThat(merged.path("staticCheck")).isEqualTo(whole.path("staticCheck"));
    assertThat(merged.has("shard")).isFalse();
    assertThat(Files.readString(dir.resolve("merged/logs/shard-1-java.log"))).isEqualTo("log");
    assertThat(Files.readString(dir.resolve("merged/index.html"))).contains("gRPC interop matrix");
  }

  @Test
  void aMissingOrRepeatedShardIsNamed() throws Exception {
    report(all()).asShard(new Shard(1, 2), ORDER).write(dir.resolve("1"), Map.of());
    assertThatThrownBy(() -> ReportMerge.merge(List.of(dir.resolve("1")), dir.resolve("m")))
        .hasMessageContaining("shard 2/2 is missing");
    assertThatThrownBy(
            () -> ReportMerge.merge(List.of(dir.resolve("1"), dir.resolve("1")), dir.resolve("m")))
        .hasMessageContaining("two reports are shard 1/2");
    report(all()).write(dir.resolve("whole"), Map.of());
    assertThatThrownBy(() -> ReportMerge.merge(List.of(dir.resolve("whole")), dir.resolve("m")))
        .hasMessageContaining("unsharded run");
    assertThatThrownBy(() -> ReportMerge.merge(List.of(dir.resolve("none")), dir.resolve("m")))
        .hasMessageContaining("holds no matrix.json");
  }
}
