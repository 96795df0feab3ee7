package dev.grpcinterop.harness.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseResult.Verdict;
import dev.grpcinterop.harness.run.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's reports, under {@code interop-tests/target/interop-report/}: {@code index.html} (the
 * client × server matrix, each cell opening its cases, then the version-skew section), {@code
 * matrix.json} (the same, for machines), {@code logs/<peer>.log}, and a text matrix for the end of
 * the Maven output.
 */
public final class InteropReport {
  /** One client × server grid of results: the matrix, or the version-skew pairs. */
  public record Section(
      String title, List<String> clients, List<String> servers, List<CaseResult> results) {
    List<CaseResult> of(String client, String server) {
      return results.stream()
          .filter(r -> r.client().equals(client) && r.server().equals(server))
          .toList();
    }

    List<Map<String, Object>> pairsJson() {
      List<Map<String, Object>> pairs = new ArrayList<>();
      for (String client : clients) {
        for (String server : servers) {
          List<CaseResult> pair = of(client, server);
          if (pair.isEmpty()) {
            continue;
          }
          List<Object> cases = new ArrayList<>();
          for (CaseResult result : pair) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", result.caseName());
            one.put("group", result.group());
            one.put("outcome", result.verdict().json());
            one.put("millis", result.millis());
            one.put("detail", result.detail());
            cases.add(one);
          }
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("client", client);
          json.put("server", server);
          json.put("cases", cases);
          pairs.add(json);
        }
      }
      return pairs;
    }
  }

  private final String title;
  private final String description;
  private final Section matrix;
  private final Section skew;
  private final String baseline;
  private final long wallMillis;
  private String shownAt = "interop-tests/target/interop-report/index.html";
  private List<String> breaking = List.of();
  private Optional<String> staticCheckNotApplicable = Optional.of("");
  private String staticAgainst = "";
  private Shard shard = Shard.WHOLE;
  private List<String> caseOrder = List.of();

  /** Whether the run failed: a breaking change, or a case that failed on a pair. */
  public boolean failed() {
    return !breaking.isEmpty()
        || matrix.results().stream().anyMatch(r -> r.verdict() == Verdict.FAILED)
        || skew != null && skew.results().stream().anyMatch(r -> r.verdict() == Verdict.FAILED);
  }

  /** The title, with the shard where the report is one shard's. */
  private String heading() {
    return shard.isWhole() ? title : title + " (" + shard + ")";
  }

  /**
   * Marks the report as one shard's part of a run whose cases, in the order an unsharded run has
   * them, are {@code caseOrder}: what merging the shards' reports puts back together.
   */
  public InteropReport asShard(Shard shard, List<String> caseOrder) {
    this.shard = shard;
    this.caseOrder = List.copyOf(caseOrder);
    return this;
  }

  /**
   * Adds the static breaking-change check: its findings against {@code against}, or why it did not
   * apply.
   */
  public void withStaticCheck(
      List<String> findings, Optional<String> notApplicable, String against) {
    this.breaking = List.copyOf(findings);
    this.staticCheckNotApplicable = notApplicable;
    this.staticAgainst = against;
  }

  /** The static check as text, or "" for a report without one. */
  private String staticCheckText() {
    if (staticCheckNotApplicable.isPresent()) {
      return staticCheckNotApplicable.get().isEmpty()
          ? ""
          : "Static check: not applicable: " + staticCheckNotApplicable.get() + "\n";
    }
    if (breaking.isEmpty()) {
      return "Static check against " + staticAgainst + ": no breaking change\n";
    }
    return "Static check against "
        + staticAgainst
        + ": FAILED, "
        + breaking.size()
        + " breaking change(s):\n"
        + String.join("\n", breaking).indent(4);
  }

  /** The built-in contract's report. {@code skew} may be null when no baseline took part. */
  public InteropReport(Section matrix, Section skew, String baseline, long wallMillis) {
    this(
        "gRPC interop matrix",
        "Each peer's client against each peer's server, all built from proto/; a cell opens its"
            + " cases.",
        matrix,
        skew,
        baseline,
        wallMillis);
  }

  /**
   * A report titled {@code title}, whose matrix is described by {@code description}; {@code skew}
   * may be null.
   */
  public InteropReport(
      String title,
      String description,
      Section matrix,
      Section skew,
      String baseline,
      long wallMillis) {
    this.title = title;
    this.description = description;
    this.matrix = matrix;
    this.skew = skew;
    this.baseline = baseline;
    this.wallMillis = wallMillis;
  }

  public void write(Path dir, Map<String, String> logs) throws IOException {
    shownAt = dir.resolve("index.html").toString();
    Files.createDirectories(dir.resolve("logs"));
    for (var log : logs.entrySet()) {
      Files.writeString(dir.resolve("logs/" + log.getKey() + ".log"), log.getValue());
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("title", title);
    root.put("description", description);
    if (!shard.isWhole()) {
      root.put("shard", Map.of("index", shard.index(), "count", shard.count()));
      root.put("caseOrder", caseOrder);
    }
    root.put("peers", matrix.clients());
    root.put("servers", matrix.servers());
    root.put("wallMillis", wallMillis);
    root.put("pairs", matrix.pairsJson());
    if (!staticCheckText().isEmpty()) {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("against", staticAgainst);
      staticCheckNotApplicable.ifPresent(reason -> check.put("notApplicable", reason));
      check.put("breaking", breaking);
      root.put("staticCheck", check);
    }
    if (skew != null) {
      Map<String, Object> skewJson = new LinkedHashMap<>();
      skewJson.put("baseline", baseline);
      skewJson.put("clients", skew.clients());
      skewJson.put("servers", skew.servers());
      skewJson.put("pairs", skew.pairsJson());
      root.put("skew", skewJson);
    }
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("matrix.json").toFile(), root);
    Files.writeString(dir.resolve("index.html"), html(logs.keySet()));
  }

  /** The matrix, and the skew pairs, as text for the end of the Maven output. */
  public String text() {
    StringBuilder out = new StringBuilder();
    List<CaseResult> all = new ArrayList<>(matrix.results());
    if (skew != null) {
      all.addAll(skew.results());
    }
    out.append(
        String.format(
            "%n%s: %d case runs in %.1f s: %d passed, %d failed, %d known failures, %d not"
                + " applicable%n",
            heading(),
            all.size(),
            wallMillis / 1000.0,
            count(all, Verdict.PASSED),
            count(all, Verdict.FAILED),
            count(all, Verdict.KNOWN_FAILURE),
            count(all, Verdict.NOT_APPLICABLE)));
    out.append(staticCheckText());
    textGrid(out, matrix);
    if (skew != null && !skew.results().isEmpty()) {
      out.append("\n")
          .append(skew.title())
          .append(" (released contract: ")
          .append(baseline)
          .append(")\n");
      textGrid(out, skew);
    }
    out.append(
        "(passed/cases, then failed F, known failures K and not applicable N; report: "
            + shownAt
            + ")\n");
    for (CaseResult result : all) {
      if (result.verdict() == Verdict.FAILED) {
        // The detail too: where a CLI's output is all a CI log has, it must say what went wrong.
        out.append("FAILED ")
            .append(result.fullName())
            .append('\n')
            .append(result.detail().indent(4));
      }
    }
    return out.toString();
  }

  private static void textGrid(StringBuilder out, Section section) {
    int width =
        Math.max(18, section.servers().stream().mapToInt(String::length).max().orElse(0) + 2);
    out.append(String.format("%-" + width + "s", "client \\ server"));
    section.servers().forEach(server -> out.append(String.format("%-" + width + "s", server)));
    out.append('\n');
    for (String client : section.clients()) {
      out.append(String.format("%-" + width + "s", client));
      for (String server : section.servers()) {
        out.append(String.format("%-" + width + "s", cell(section.of(client, server))));
      }
      out.append('\n');
    }
  }

  private static String cell(List<CaseResult> pair) {
    if (pair.isEmpty()) {
      return "·";
    }
    long failed = count(pair, Verdict.FAILED);
    long known = count(pair, Verdict.KNOWN_FAILURE);
    long notApplicable = count(pair, Verdict.NOT_APPLICABLE);
    String text = count(pair, Verdict.PASSED) + "/" + pair.size();
    if (failed > 0) {
      text += " " + failed + "F";
    }
    if (known > 0) {
      text += " " + known + "K";
    }
    if (notApplicable > 0) {
      text += " " + notApplicable + "N";
    }
    return text;
  }

  private String html(Iterable<String> logNames) {
    StringBuilder html = new StringBuilder();
    html.append(
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>TITLE</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;margin:1em 0}
        th,td{border:1px solid #ccc;padding:.4em .7em;text-align:left;vertical-align:top}
        td.cell a{display:block;color:inherit;text-decoration:none;font-weight:600}
        .passed{background:#d9f2d9}.failed{background:#f8d0d0}.known_failure{background:#fbe9c2}.not_applicable{background:#e4e4e4}
        pre{white-space:pre-wrap;margin:0;font-size:.85em;max-width:70em}
        </style></head><body>
        """
            .replace("TITLE", escape(heading())));
    List<CaseResult> all = new ArrayList<>(matrix.results());
    if (skew != null) {
      all.addAll(skew.results());
    }
    html.append("<h1>")
        .append(escape(heading()))
        .append("</h1>\n<p>")
        .append(all.size())
        .append(" case runs in ")
        .append(String.format("%.1f", wallMillis / 1000.0))
        .append(" s: ")
        .append(count(all, Verdict.PASSED))
        .append(" passed, ")
        .append(count(all, Verdict.FAILED))
        .append(" failed, ")
        .append(count(all, Verdict.KNOWN_FAILURE))
        .append(" known failures, ")
        .append(count(all, Verdict.NOT_APPLICABLE))
        .append(" not applicable. Logs: ");
    logNames.forEach(
        name ->
            html.append("<a href=\"logs/")
                .append(name)
                .append(".log\">")
                .append(escape(name))
                .append("</a> "));
    html.append("</p>\n");
    if (!staticCheckText().isEmpty()) {
      html.append("<h2>Static check</h2>\n<pre class=\"")
          .append(breaking.isEmpty() ? "passed" : "failed")
          .append("\">")
          .append(escape(staticCheckText()))
          .append("</pre>\n");
    }
    htmlSection(html, matrix, description);
    if (skew != null && !skew.results().isEmpty()) {
      htmlSection(
          html,
          skew,
          "Clients built from the released contract ("
              + baseline
              + ") against servers built from proto/, and the other way round: the single calls both"
              + " versions declare.");
    }
    return html.append("</body></html>\n").toString();
  }

  private static void htmlSection(StringBuilder html, Section section, String what) {
    html.append("<h2>")
        .append(escape(section.title()))
        .append("</h2>\n<p>")
        .append(escape(what))
        .append("</p>\n");
    html.append("<table><tr><th>client \\ server</th>");
    section.servers().forEach(server -> html.append("<th>").append(escape(server)).append("</th>"));
    html.append("</tr>\n");
    for (String client : section.clients()) {
      html.append("<tr><th>").append(escape(client)).append("</th>");
      for (String server : section.servers()) {
        List<CaseResult> pair = section.of(client, server);
        if (pair.isEmpty()) {
          html.append("<td></td>");
          continue;
        }
        html.append("<td class=\"cell ")
            .append(worst(pair))
            .append("\"><a href=\"#")
            .append(anchor(client, server))
            .append("\">")
            .append(cell(pair))
            .append("</a></td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    for (String client : section.clients()) {
      for (String server : section.servers()) {
        List<CaseResult> pair = section.of(client, server);
        if (pair.isEmpty()) {
          continue;
        }
        html.append("<h3 id=\"")
            .append(anchor(client, server))
            .append("\">")
            .append(escape(client))
            .append(" → ")
            .append(escape(server))
            .append("</h3>\n")
            .append(
                "<table><tr><th>case</th><th>group</th><th>outcome</th><th>ms</th><th>detail</th></tr>\n");
        for (CaseResult result : pair) {
          html.append("<tr class=\"")
              .append(result.verdict().json())
              .append("\"><td>")
              .append(escape(result.caseName()))
              .append("</td><td>")
              .append(escape(result.group()))
              .append("</td><td>")
              .append(result.verdict().json())
              .append("</td><td>")
              .append(result.millis())
              .append("</td><td><pre>")
              .append(escape(result.detail()))
              .append("</pre></td></tr>\n");
        }
        html.append("</table>\n");
      }
    }
  }

  private static String worst(List<CaseResult> pair) {
    if (count(pair, Verdict.FAILED) > 0) {
      return Verdict.FAILED.json();
    }
    return count(pair, Verdict.KNOWN_FAILURE) > 0
        ? Verdict.KNOWN_FAILURE.json()
        : Verdict.PASSED.json();
  }

  private static long count(List<CaseResult> results, Verdict verdict) {
    return results.stream().filter(r -> r.verdict() == verdict).count();
  }

  private static String anchor(String client, String server) {
    return (client + "-to-" + server).replace('@', '-');
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
