package dev.grpcinterop.harness.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The performance matrix as a page a person would rather look at than read: per scenario, heat maps
 * of throughput, median and tail latency and CPU per call, client rows × server columns, each cell
 * coloured from the best of its map (green) to the worst (red) on a log scale, with its spread over
 * the rounds and its ratio to java → java. One self-contained file: no network at view time.
 */
public final class BenchmarkPage {
  /** A heat map: a figure, and whether more of it is better. */
  record HeatMap(
      String title, ToDoubleFunction<LoadFigures> figure, boolean higherIsBetter, Unit unit) {}

  enum Unit {
    RATE,
    MICROS
  }

  private BenchmarkPage() {}

  static List<HeatMap> maps(Scenario scenario) {
    boolean messages = scenario.rate() == Scenario.Rate.MESSAGES;
    return List.of(
        new HeatMap(
            messages ? "messages/s" : "calls/s",
            messages ? LoadFigures::messagesPerSecond : LoadFigures::callsPerSecond,
            true,
            Unit.RATE),
        new HeatMap(
            scenario.pingPong() ? "p50 latency of a round trip" : "p50 latency",
            LoadFigures::p50Micros,
            false,
            Unit.MICROS),
        new HeatMap(
            scenario.pingPong() ? "p99 latency of a round trip" : "p99 latency",
            LoadFigures::p99Micros,
            false,
            Unit.MICROS),
        new HeatMap("server CPU per call", LoadFigures::serverCpuMicrosPerCall, false, Unit.MICROS),
        new HeatMap(
            "client CPU per call", LoadFigures::clientCpuMicrosPerCall, false, Unit.MICROS));
  }

  public static String html(BenchmarkResult result) {
    var page = new StringBuilder();
    page.append(
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>gRPC performance matrix</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
        h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
        .maps { display: flex; flex-wrap: wrap; gap: 1.2em; }
        table.heat { border-collapse: collapse; }
        table.heat caption { font-weight: 600; text-align: left; padding-bottom: .3em; }
        table.heat th { font-weight: 500; padding: .2em .5em; text-align: left; }
        table.heat td { width: 7.5em; height: 3.2em; text-align: center; border: 2px solid #fff; }
        td .value { font-weight: 600; display: block; }
        td .spread, td .ratio { font-size: 11px; color: #333; }
        td .ratio { display: none; }
        body.ratios td .ratio { display: inline; }
        body.ratios td .spread { display: none; }
        .peers td, .peers th { padding: .1em .8em .1em 0; text-align: left; }
        .note { color: #555; max-width: 60em; }
        </style></head><body>
        <script>
        window.addEventListener("error", function (event) {
          document.body.dataset.scriptErrors = (document.body.dataset.scriptErrors || "") + event.message + ";";
        });
        </script>
        <h1>gRPC performance matrix</h1>
        """);
    page.append("<p class=\"note\">")
        .append(escape(summary(result)))
        .append(
            " Each cell: the median over the rounds, and the spread of the rounds (lowest to"
                + " highest, as a share of the median). Colours run from the best cell of a map"
                + " (green) to the worst (red), on a log scale.</p>\n");
    page.append(
        "<p><label><input type=\"checkbox\" id=\"ratios\"> show each cell as a ratio to "
            + escape(result.referencePair())
            + " instead of its spread</label></p>\n");
    page.append(
        "<table class=\"peers\"><tr><th>peer</th><th>gRPC</th><th>protobuf</th><th>runtime</th></tr>\n");
    result
        .peers()
        .forEach(
            (name, described) ->
                page.append("<tr><td>")
                    .append(escape(name))
                    .append("</td><td>")
                    .append(escape(described.getGrpcLibrary()))
                    .append("</td><td>")
                    .append(escape(described.getProtobufLibrary()))
                    .append("</td><td>")
                    .append(escape(described.getRuntime()))
                    .append("</td></tr>\n"));
    page.append("</table>\n");
    for (Scenario scenario : result.scenarios()) {
      page.append("<h2 id=\"")
          .append(escape(scenario.name()))
          .append("\">")
          .append(escape(scenario.title()))
          .append(" <small>(")
          .append(escape(scenario.name()))
          .append(": ")
          .append(escape(scenario.method()))
          .append(", ")
          .append(scenario.concurrency())
          .append(" in flight on ")
          .append(scenario.channels())
          .append(scenario.channels() == 1 ? " channel" : " channels")
          .append(")</small></h2>\n<div class=\"maps\">\n");
      for (HeatMap map : maps(scenario)) {
        heatMap(page, result, scenario, map);
      }
      page.append("</div>\n");
    }
    if (!result.calibrations().isEmpty()) {
      page.append(
          "<h2 id=\"calibration\">Calibration against ghz</h2>\n<p class=\"note\">The Go peer's"
              + " calls per second over ghz's, against the same server in the same run: both are"
              + " grpc-go, so they agree within 15 % or the harness's load generator is wrong.</p>\n"
              + "<table class=\"peers\"><tr><th>scenario</th><th>server</th><th>ghz calls/s</th>"
              + "<th>go / ghz</th></tr>\n");
      for (Calibration c : result.calibrations()) {
        double ratio = c.ratio(result);
        page.append("<tr><td>")
            .append(escape(c.scenario()))
            .append("</td><td>")
            .append(escape(c.server()))
            .append("</td><td>")
            .append(escape(BenchmarkReport.compact(c.ghzCallsPerSecond().median())))
            .append("</td><td>")
            .append(Double.isNaN(ratio) ? "?" : String.format(Locale.ROOT, "%.2f", ratio))
            .append(c.agrees(result) ? "" : " (outside 15 %)")
            .append("</td></tr>\n");
      }
      page.append("</table>\n");
    }
    page.append(
        """
        <script>
        document.getElementById("ratios").addEventListener("change", function (event) {
          document.body.classList.toggle("ratios", event.target.checked);
        });
        document.body.dataset.heatMaps = String(document.querySelectorAll("table.heat").length);
        </script>
        </body></html>
        """);
    return page.toString();
  }

  private static void heatMap(
      StringBuilder page, BenchmarkResult result, Scenario scenario, HeatMap map) {
    var reference = result.reference(scenario.name()).map(c -> c.measurement(map.figure()));
    double best = Double.NaN;
    double worst = Double.NaN;
    for (PairRounds cell : result.cells()) {
      if (!cell.scenario().equals(scenario.name())) {
        continue;
      }
      double median = cell.measurement(map.figure()).median();
      if (Double.isNaN(median) || median <= 0) {
        continue;
      }
      best =
          Double.isNaN(best)
              ? median
              : map.higherIsBetter() ? Math.max(best, median) : Math.min(best, median);
      worst =
          Double.isNaN(worst)
              ? median
              : map.higherIsBetter() ? Math.min(worst, median) : Math.max(worst, median);
    }
    page.append("<table class=\"heat\" data-scenario=\"")
        .append(escape(scenario.name()))
        .append("\" data-figure=\"")
        .append(escape(map.title()))
        .append("\"><caption>")
        .append(escape(map.title()))
        .append("</caption>\n<tr><th>client \\ server</th>");
    result.servers().forEach(p -> page.append("<th>").append(escape(p)).append("</th>"));
    page.append("</tr>\n");
    for (String client : result.clients()) {
      page.append("<tr><th>").append(escape(client)).append("</th>");
      for (String server : result.servers()) {
        var cell = result.cell(scenario.name(), client, server);
        if (cell.isEmpty()) {
          page.append("<td>-</td>");
          continue;
        }
        Measurement measured = cell.get().measurement(map.figure());
        double ratio = reference.map(measured::ratioTo).orElse(Double.NaN);
        page.append("<td style=\"background:")
            .append(colour(measured.median(), best, worst))
            .append("\" title=\"")
            .append(
                escape(
                    client
                        + " → "
                        + server
                        + ": "
                        + map.title()
                        + ", rounds "
                        + show(measured.low(), map.unit())
                        + " to "
                        + show(measured.high(), map.unit())))
            .append("\"><span class=\"value\">")
            .append(escape(show(measured.median(), map.unit())))
            .append("</span><span class=\"spread\">±")
            .append(escape(BenchmarkReport.percent(measured.relativeSpread())))
            .append("</span><span class=\"ratio\">")
            .append(Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "×%.2f", ratio))
            .append("</span></td>");
      }
      page.append("</tr>\n");
    }
    page.append("</table>\n");
  }

  /**
   * Green for the best cell, red for the worst, by where the value lies between them on a log scale
   * (throughputs and latencies across languages span orders of magnitude); grey without one.
   */
  static String colour(double value, double best, double worst) {
    if (Double.isNaN(value) || value <= 0 || Double.isNaN(best)) {
      return "#e4e4e4";
    }
    double span = Math.abs(Math.log(worst) - Math.log(best));
    double badness = span == 0 ? 0 : Math.abs(Math.log(value) - Math.log(best)) / span;
    int hue = (int) Math.round(120 * (1 - Math.min(1, badness)));
    return "hsl(" + hue + ", 65%, 72%)";
  }

  private static String show(double value, Unit unit) {
    return unit == Unit.RATE ? BenchmarkReport.compact(value) : BenchmarkReport.latency(value);
  }

  private static String summary(BenchmarkResult result) {
    var settings = result.settings();
    return String.format(
        Locale.ROOT,
        "Started %s, %d client × server pairs, %d round%s of %s after %.1f s of warm-up, %s;"
            + " servers on CPUs %s and clients on CPUs %s of %d.",
        result.started(),
        result.clients().size() * result.servers().size(),
        settings.rounds(),
        settings.rounds() == 1 ? "" : "s",
        settings.calls() > 0
            ? settings.calls() + " calls"
            : String.format(Locale.ROOT, "%.1f s", settings.duration().toMillis() / 1000.0),
        settings.warmup().toMillis() / 1000.0,
        settings.onePairAtATime()
            ? "one pair at a time"
            : "every pair at once (a smoke, not figures)",
        result.cpus().servers().isEmpty() ? "any" : result.cpus().servers(),
        result.cpus().clients().isEmpty() ? "any" : result.cpus().clients(),
        result.cpus().machineCpus());
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
