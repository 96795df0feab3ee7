package dev.grpcinterop.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The performance matrix's report: benchmark.json with every round of every cell, and a text matrix
 * per scenario (client rows × server columns) for the end of the output.
 */
public final class BenchmarkReport {
  /** The figures of a cell, by the name they have in benchmark.json. */
  static final List<Figure> FIGURES =
      List.of(
          new Figure("callsPerSecond", "calls/s", LoadFigures::callsPerSecond),
          new Figure("messagesPerSecond", "messages/s", LoadFigures::messagesPerSecond),
          new Figure("megabytesPerSecond", "MB/s", LoadFigures::megabytesPerSecond),
          new Figure("p50Micros", "p50 µs", LoadFigures::p50Micros),
          new Figure("p90Micros", "p90 µs", LoadFigures::p90Micros),
          new Figure("p99Micros", "p99 µs", LoadFigures::p99Micros),
          new Figure("p999Micros", "p99.9 µs", LoadFigures::p999Micros),
          new Figure(
              "clientCpuMicrosPerCall", "client CPU µs/call", LoadFigures::clientCpuMicrosPerCall),
          new Figure(
              "serverCpuMicrosPerCall", "server CPU µs/call", LoadFigures::serverCpuMicrosPerCall));

  record Figure(String name, String unit, ToDoubleFunction<LoadFigures> of) {}

  private BenchmarkReport() {}

  public static void write(BenchmarkResult result, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("benchmark.json"), json(result));
      Files.writeString(dir.resolve("benchmark.txt"), text(result));
      Files.writeString(dir.resolve("index.html"), BenchmarkPage.html(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the benchmark report in " + dir, e);
    }
  }

  static String json(BenchmarkResult result) {
    var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("started", result.started().toString());
    root.put("tookSeconds", result.took().toMillis() / 1000.0);
    var settings = root.putObject("settings");
    settings.put("warmupSeconds", result.settings().warmup().toMillis() / 1000.0);
    settings.put("durationSeconds", result.settings().duration().toMillis() / 1000.0);
    settings.put("calls", result.settings().calls());
    settings.put("rounds", result.settings().rounds());
    settings.put("onePairAtATime", result.settings().onePairAtATime());
    var machine = root.putObject("machine");
    machine.put("cpus", result.cpus().machineCpus());
    machine.put("serverCpus", result.cpus().servers());
    machine.put("clientCpus", result.cpus().clients());
    var servers = root.putArray("servers");
    result.servers().forEach(servers::add);
    var peers = root.putArray("peers");
    result
        .peers()
        .forEach(
            (name, described) ->
                peers
                    .addObject()
                    .put("name", name)
                    .put("grpcLibrary", described.getGrpcLibrary())
                    .put("protobufLibrary", described.getProtobufLibrary())
                    .put("runtime", described.getRuntime()));
    var scenarios = root.putArray("scenarios");
    for (Scenario scenario : result.scenarios()) {
      var node = scenarios.addObject();
      node.put("name", scenario.name());
      node.put("title", scenario.title());
      node.put("method", scenario.method());
      node.put("concurrency", scenario.concurrency());
      node.put("channels", scenario.channels());
      node.put("pingPong", scenario.pingPong());
      node.put("rate", scenario.rate().name().toLowerCase(Locale.ROOT));
      var reference = result.reference(scenario.name());
      var cells = node.putArray("cells");
      for (PairRounds cell : result.cells()) {
        if (!cell.scenario().equals(scenario.name())) {
          continue;
        }
        var cellNode = cells.addObject();
        cellNode.put("client", cell.client());
        cellNode.put("server", cell.server());
        var figures = cellNode.putObject("figures");
        for (Figure figure : FIGURES) {
          Measurement measured = cell.measurement(figure.of());
          var f = figures.putObject(figure.name());
          number(f, "median", measured.median());
          number(f, "low", measured.low());
          number(f, "high", measured.high());
          reference.ifPresent(
              ref -> number(f, "ratioToReference", measured.ratioTo(ref.measurement(figure.of()))));
        }
        var rounds = cellNode.putArray("rounds");
        for (LoadFigures round : cell.rounds()) {
          var r = rounds.addObject();
          r.put("calls", round.calls());
          r.put("failedCalls", round.failedCalls());
          if (!round.firstFailure().isEmpty()) {
            r.put("firstFailure", round.firstFailure());
          }
          for (Figure figure : FIGURES) {
            number(r, figure.name(), figure.of().applyAsDouble(round));
          }
        }
      }
    }
    var calibration = root.putArray("calibration");
    for (Calibration c : result.calibrations()) {
      var node = calibration.addObject();
      node.put("scenario", c.scenario());
      node.put("server", c.server());
      var ghz = c.ghzCallsPerSecond();
      number(node, "ghzCallsPerSecond", ghz.median());
      number(node, "ghzLow", ghz.low());
      number(node, "ghzHigh", ghz.high());
      number(node, "goOverGhz", c.ratio(result));
      node.put("withinTolerance", c.agrees(result));
      node.put("ghzFailedCalls", c.rounds().stream().mapToLong(Ghz.Figures::failed).sum());
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void number(ObjectNode node, String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(name);
    } else {
      node.put(name, Math.round(value * 1000) / 1000.0);
    }
  }

  /**
   * Per scenario, a matrix of client rows and server columns; each cell its throughput and median
   * latency, the spread of the throughput over the rounds, and its ratio to the reference pair.
   */
  public static String text(BenchmarkResult result) {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Performance matrix: %d pairs, %d rounds of %s after %.1f s of warm-up, %s; servers"
                + " on CPUs %s, clients on CPUs %s of %d%n",
            result.clients().size() * result.servers().size(),
            result.settings().rounds(),
            result.settings().calls() > 0
                ? result.settings().calls() + " calls"
                : String.format(
                    Locale.ROOT, "%.1f s", result.settings().duration().toMillis() / 1000.0),
            result.settings().warmup().toMillis() / 1000.0,
            result.settings().onePairAtATime() ? "one pair at a time" : "all pairs at once (smoke)",
            result.cpus().servers().isEmpty() ? "any" : result.cpus().servers(),
            result.cpus().clients().isEmpty() ? "any" : result.cpus().clients(),
            result.cpus().machineCpus()));
    for (Scenario scenario : result.scenarios()) {
      boolean messages = scenario.rate() == Scenario.Rate.MESSAGES;
      ToDoubleFunction<LoadFigures> rate =
          messages ? LoadFigures::messagesPerSecond : LoadFigures::callsPerSecond;
      out.append(
          String.format(
              Locale.ROOT,
              "%n%s (%s): %s, p50 latency%s; ±: spread of the rounds; ×: to %s%n",
              scenario.title(),
              scenario.name(),
              messages ? "messages/s" : "calls/s",
              scenario.pingPong() ? " of a round trip" : "",
              result.referencePair()));
      int width = 30;
      out.append(String.format(Locale.ROOT, "%-17s", "client \\ server"));
      result.servers().forEach(p -> out.append(String.format(Locale.ROOT, "%-" + width + "s", p)));
      out.append('\n');
      var reference = result.reference(scenario.name());
      for (String client : result.clients()) {
        out.append(String.format(Locale.ROOT, "%-17s", client));
        for (String server : result.servers()) {
          String cell =
              result
                  .cell(scenario.name(), client, server)
                  .map(
                      c -> {
                        Measurement throughput = c.measurement(rate);
                        Measurement p50 = c.measurement(LoadFigures::p50Micros);
                        double ratio =
                            reference
                                .map(r -> throughput.ratioTo(r.measurement(rate)))
                                .orElse(Double.NaN);
                        return String.format(
                            Locale.ROOT,
                            "%s ±%s %s %s",
                            compact(throughput.median()),
                            percent(throughput.relativeSpread()),
                            latency(p50.median()),
                            Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "×%.2f", ratio));
                      })
                  .orElse("-");
          out.append(String.format(Locale.ROOT, "%-" + width + "s", cell));
        }
        out.append('\n');
      }
    }
    if (!result.calibrations().isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nCalibration: the Go peer's calls/s over ghz's against the same server (within"
                  + " %.0f %% is agreement)%n",
              Calibration.TOLERANCE * 100));
      for (Calibration c : result.calibrations()) {
        double ratio = c.ratio(result);
        out.append(
            String.format(
                Locale.ROOT,
                "  %-18s go → %-8s ghz %s/s, go/ghz %s%s%n",
                c.scenario(),
                c.server(),
                compact(c.ghzCallsPerSecond().median()),
                Double.isNaN(ratio) ? "?" : String.format(Locale.ROOT, "%.2f", ratio),
                c.agrees(result) ? "" : "  OUTSIDE the tolerance"));
      }
    }
    return out.toString();
  }

  static String compact(double value) {
    if (Double.isNaN(value)) {
      return "?";
    }
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%.1fk", value / 1000);
    }
    return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
  }

  static String latency(double micros) {
    if (Double.isNaN(micros)) {
      return "?";
    }
    return micros >= 1000
        ? String.format(Locale.ROOT, "%.1fms", micros / 1000)
        : String.format(Locale.ROOT, "%.0fµs", micros);
  }

  static String percent(double share) {
    return Double.isNaN(share) ? "?" : String.format(Locale.ROOT, "%.0f%%", share * 100);
  }
}
