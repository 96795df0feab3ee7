package dev.grpcinterop.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseResult.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The shards' reports of one run ({@code -Dinterop.shard=K/N}, each machine its own) made into the
 * report an unsharded run writes: the same cases and outcomes, in the same order, with each shard's
 * logs.
 */
public final class ReportMerge {
  private ReportMerge() {}

  /** What a merge was given that is not every shard of one run, in one sentence. */
  public static final class MergeException extends RuntimeException {
    MergeException(String message) {
      super(message);
    }
  }

  /** Reads the report folders of every shard of one run and writes their merge to {@code out}. */
  public static InteropReport merge(List<Path> shardDirs, Path out) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<Integer, JsonNode> shards = new TreeMap<>();
    Map<Integer, Path> dirs = new TreeMap<>();
    int count = -1;
    for (Path dir : shardDirs) {
      Path file = dir.resolve("matrix.json");
      if (!Files.isRegularFile(file)) {
        throw new MergeException(
            dir + " holds no matrix.json; give the report folders the shards wrote.");
      }
      JsonNode root;
      try {
        root = json.readTree(file.toFile());
      } catch (IOException malformed) {
        throw new MergeException(file + " is not a report's JSON: " + malformed.getMessage());
      }
      if (!root.has("shard")) {
        throw new MergeException(
            file + " is the report of an unsharded run; only shards' reports are merged.");
      }
      int index = root.path("shard").path("index").asInt();
      int of = root.path("shard").path("count").asInt();
      if (count != -1 && of != count) {
        throw new MergeException(
            file + " is shard " + index + "/" + of + ", but another report is of " + count + ".");
      }
      count = of;
      if (shards.put(index, root) != null) {
        throw new MergeException("two reports are shard " + index + "/" + of + ".");
      }
      dirs.put(index, dir);
    }
    if (shards.isEmpty()) {
      throw new MergeException("no report folders were given; give every shard's.");
    }
    for (int k = 1; k <= count; k++) {
      if (!shards.containsKey(k)) {
        throw new MergeException(
            "shard " + k + "/" + count + " is missing; give the report folders of all " + count);
      }
    }
    JsonNode first = shards.get(1);
    for (JsonNode other : shards.values()) {
      if (!other.path("title").equals(first.path("title"))
          || !other.path("caseOrder").equals(first.path("caseOrder"))) {
        throw new MergeException(
            "the reports are not of one run: their titles or cases differ ("
                + first.path("title").asText()
                + ", "
                + other.path("title").asText()
                + ").");
      }
    }
    List<String> order = strings(first.path("caseOrder"));
    Comparator<CaseResult> byCase =
        Comparator.comparingInt(
            r -> order.indexOf(r.caseName()) < 0 ? order.size() : order.indexOf(r.caseName()));
    List<CaseResult> matrix = new ArrayList<>();
    List<CaseResult> skew = new ArrayList<>();
    long wall = 0;
    for (JsonNode shard : shards.values()) {
      matrix.addAll(results(shard.path("pairs")));
      skew.addAll(results(shard.path("skew").path("pairs")));
      wall = Math.max(wall, shard.path("wallMillis").asLong());
    }
    matrix.sort(byCase);
    skew.sort(byCase);
    var report =
        new InteropReport(
            first.path("title").asText(),
            first.path("description").asText(),
            new InteropReport.Section(
                "Every client against every server",
                strings(first.path("peers")),
                strings(first.path("servers")),
                matrix),
            first.has("skew")
                ? new InteropReport.Section(
                    "Version skew",
                    strings(first.path("skew").path("clients")),
                    strings(first.path("skew").path("servers")),
                    skew)
                : null,
            first.path("skew").path("baseline").asText(),
            wall);
    JsonNode check = first.path("staticCheck");
    if (!check.isMissingNode()) {
      report.withStaticCheck(
          strings(check.path("breaking")),
          check.has("notApplicable")
              ? Optional.of(check.path("notApplicable").asText())
              : Optional.empty(),
          check.path("against").asText());
    }
    Map<String, String> logs = new LinkedHashMap<>();
    for (var entry : dirs.entrySet()) {
      Path logDir = entry.getValue().resolve("logs");
      if (!Files.isDirectory(logDir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(logDir)) {
        for (Path log : files.sorted().toList()) {
          String name = log.getFileName().toString().replaceFirst("\\.log$", "");
          logs.put("shard-" + entry.getKey() + "-" + name, Files.readString(log));
        }
      }
    }
    report.write(out, logs);
    return report;
  }

  /**
   * What each unit of an earlier run cost, in case milliseconds, by the names {@link
   * dev.grpcinterop.harness.run.Shard} deals out: "pair java → go" (its written cases), "skew
   * java@baseline → go", "generated generated_calculate_0" (on every pair); for balancing shards by
   * measure ({@code -Dinterop.shardCosts}).
   */
  public static Map<String, Double> unitCosts(Path matrixJson) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(matrixJson.toFile());
    } catch (IOException unreadable) {
      throw new MergeException(
          matrixJson
              + " cannot be read as a report's matrix.json ("
              + unreadable.getMessage()
              + "); give -Dinterop.shardCosts the matrix.json of an earlier run.");
    }
    Map<String, Double> costs = new TreeMap<>();
    for (CaseResult r : results(root.path("pairs"))) {
      String unit =
          r.caseName().startsWith("generated_")
              ? "generated " + r.caseName()
              : "pair " + r.client() + " → " + r.server();
      costs.merge(unit, (double) r.millis(), Double::sum);
    }
    for (CaseResult r : results(root.path("skew").path("pairs"))) {
      costs.merge("skew " + r.client() + " → " + r.server(), (double) r.millis(), Double::sum);
    }
    return costs;
  }

  /**
   * The results in a section's JSON, each pair's in the order written (a pair's cases are all in
   * one shard, or spread over shards in the run's case order).
   */
  static List<CaseResult> results(JsonNode pairs) {
    List<CaseResult> results = new ArrayList<>();
    for (JsonNode pair : pairs) {
      for (JsonNode c : pair.path("cases")) {
        results.add(
            new CaseResult(
                pair.path("client").asText(),
                pair.path("server").asText(),
                c.path("name").asText(),
                c.path("group").asText(),
                verdict(c.path("outcome").asText()),
                c.path("millis").asLong(),
                c.path("detail").asText()));
      }
    }
    return results;
  }

  private static Verdict verdict(String json) {
    return Arrays.stream(Verdict.values())
        .filter(v -> v.json().equals(json))
        .findFirst()
        .orElseThrow(() -> new MergeException("a report has an unknown outcome \"" + json + "\"."));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
