package dev.grpcinterop.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.grpcinterop.harness.CaseResult.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's reports, under {@code interop-tests/target/interop-report/}: {@code index.html} (the
 * client × server matrix, each cell opening its cases), {@code matrix.json} (the same, for
 * machines), {@code logs/<peer>.log}, and a text matrix for the end of the Maven output.
 */
public final class InteropReport {
  private final List<String> peers;
  private final List<CaseResult> results;
  private final long wallMillis;

  public InteropReport(List<String> peers, List<CaseResult> results, long wallMillis) {
    this.peers = peers;
    this.results = results;
    this.wallMillis = wallMillis;
  }

  public void write(Path dir, Map<String, String> logs) throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    for (var log : logs.entrySet()) {
      Files.writeString(dir.resolve("logs/" + log.getKey() + ".log"), log.getValue());
    }
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("matrix.json").toFile(), json());
    Files.writeString(dir.resolve("index.html"), html());
  }

  private Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("peers", peers);
    root.put("wallMillis", wallMillis);
    List<Object> pairs = new ArrayList<>();
    for (String client : peers) {
      for (String server : peers) {
        List<Object> cases = new ArrayList<>();
        for (CaseResult result : of(client, server)) {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("name", result.caseName());
          one.put("group", result.group());
          one.put("outcome", result.verdict().json());
          one.put("millis", result.millis());
          one.put("detail", result.detail());
          cases.add(one);
        }
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("client", client);
        pair.put("server", server);
        pair.put("cases", cases);
        pairs.add(pair);
      }
    }
    root.put("pairs", pairs);
    return root;
  }

  /** The matrix as text, for the end of the Maven output. */
  public String text() {
    int width = Math.max(18, peers.stream().mapToInt(String::length).max().orElse(0) + 2);
    StringBuilder out = new StringBuilder();
    out.append(String.format("%nInterop matrix: %d pairs, %d case runs in %.1f s: %d passed, %d failed, %d known failures%n",
        peers.size() * peers.size(), results.size(), wallMillis / 1000.0,
        count(results, Verdict.PASSED), count(results, Verdict.FAILED), count(results, Verdict.KNOWN_FAILURE)));
    out.append(String.format("%-" + width + "s", "client \\ server"));
    peers.forEach(server -> out.append(String.format("%-" + width + "s", server)));
    out.append('\n');
    for (String client : peers) {
      out.append(String.format("%-" + width + "s", client));
      for (String server : peers) {
        out.append(String.format("%-" + width + "s", cell(of(client, server))));
      }
      out.append('\n');
    }
    out.append("(passed/cases, then failed F and known failures K; report: interop-tests/target/interop-report/index.html)\n");
    for (CaseResult result : results) {
      if (result.verdict() == Verdict.FAILED) {
        out.append("FAILED ").append(result.fullName()).append('\n');
      }
    }
    return out.toString();
  }

  private static String cell(List<CaseResult> pair) {
    long failed = count(pair, Verdict.FAILED);
    long known = count(pair, Verdict.KNOWN_FAILURE);
    String text = count(pair, Verdict.PASSED) + "/" + pair.size();
    if (failed > 0) {
      text += " " + failed + "F";
    }
    if (known > 0) {
      text += " " + known + "K";
    }
    return text;
  }

  private String html() {
    StringBuilder html = new StringBuilder();
    html.append("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>gRPC interop matrix</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;margin:1em 0}
        th,td{border:1px solid #ccc;padding:.4em .7em;text-align:left;vertical-align:top}
        td.cell a{display:block;color:inherit;text-decoration:none;font-weight:600}
        .passed{background:#d9f2d9}.failed{background:#f8d0d0}.known_failure{background:#fbe9c2}
        pre{white-space:pre-wrap;margin:0;font-size:.85em;max-width:70em}
        </style></head><body>
        """);
    html.append("<h1>gRPC interop matrix</h1>\n<p>")
        .append(results.size()).append(" case runs on ").append(peers.size() * peers.size())
        .append(" client × server pairs in ").append(String.format("%.1f", wallMillis / 1000.0)).append(" s: ")
        .append(count(results, Verdict.PASSED)).append(" passed, ")
        .append(count(results, Verdict.FAILED)).append(" failed, ")
        .append(count(results, Verdict.KNOWN_FAILURE)).append(" known failures. Peer logs: ");
    peers.forEach(peer -> html.append("<a href=\"logs/").append(peer).append(".log\">").append(peer).append("</a> "));
    html.append("</p>\n<table><tr><th>client \\ server</th>");
    peers.forEach(server -> html.append("<th>").append(escape(server)).append("</th>"));
    html.append("</tr>\n");
    for (String client : peers) {
      html.append("<tr><th>").append(escape(client)).append("</th>");
      for (String server : peers) {
        List<CaseResult> pair = of(client, server);
        html.append("<td class=\"cell ").append(worst(pair)).append("\"><a href=\"#")
            .append(anchor(client, server)).append("\">").append(cell(pair)).append("</a></td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    for (String client : peers) {
      for (String server : peers) {
        html.append("<h2 id=\"").append(anchor(client, server)).append("\">")
            .append(escape(client)).append(" → ").append(escape(server)).append("</h2>\n")
            .append("<table><tr><th>case</th><th>group</th><th>outcome</th><th>ms</th><th>detail</th></tr>\n");
        for (CaseResult result : of(client, server)) {
          html.append("<tr class=\"").append(result.verdict().json()).append("\"><td>")
              .append(escape(result.caseName())).append("</td><td>").append(escape(result.group()))
              .append("</td><td>").append(result.verdict().json()).append("</td><td>").append(result.millis())
              .append("</td><td><pre>").append(escape(result.detail())).append("</pre></td></tr>\n");
        }
        html.append("</table>\n");
      }
    }
    return html.append("</body></html>\n").toString();
  }

  private List<CaseResult> of(String client, String server) {
    return results.stream().filter(r -> r.client().equals(client) && r.server().equals(server)).toList();
  }

  private static String worst(List<CaseResult> pair) {
    if (count(pair, Verdict.FAILED) > 0) {
      return Verdict.FAILED.json();
    }
    return count(pair, Verdict.KNOWN_FAILURE) > 0 ? Verdict.KNOWN_FAILURE.json() : Verdict.PASSED.json();
  }

  private static long count(List<CaseResult> results, Verdict verdict) {
    return results.stream().filter(r -> r.verdict() == verdict).count();
  }

  private static String anchor(String client, String server) {
    return client + "-to-" + server;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
