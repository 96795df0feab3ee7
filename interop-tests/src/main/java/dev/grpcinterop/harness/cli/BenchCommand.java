package dev.grpcinterop.harness.cli;

import dev.grpcinterop.harness.bench.BenchTopology;
import dev.grpcinterop.harness.bench.BenchmarkReport;
import dev.grpcinterop.harness.bench.BenchmarkRun;
import dev.grpcinterop.harness.bench.BenchmarkSettings;
import dev.grpcinterop.harness.bench.Ghz;
import dev.grpcinterop.harness.bench.Scenario;
import dev.grpcinterop.harness.bench.ScenarioFile;
import dev.grpcinterop.harness.cases.CaseFileException;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.contract.ContractException;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.ProjectBench;
import dev.grpcinterop.harness.project.ProjectFile;
import dev.grpcinterop.harness.project.ProjectFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code interop bench}: the performance matrix of the calculator, every client language against
 * every server language, one pair at a time (scripts/benchmark-pairs). Timings, not tests: it exits
 * 0 whatever the figures, 1 when a load's calls failed, 2 when it cannot run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures throughput, latency and CPU of every client language against every server"
            + " language (benchmarks/calculator.yaml), or against a project's own servers"
            + " (--project).")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--scenarios",
      split = ",",
      paramLabel = "NAME",
      description = "only these scenarios (default: all)")
  List<String> scenarios = new ArrayList<>();

  @Option(
      names = "--peers",
      paramLabel = "LIST",
      description = "only these languages, e.g. java,go (default: every docker/<lang>-peer/)")
  String peers = "";

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "measured seconds per round (default: ${DEFAULT-VALUE})")
  double duration = 5;

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      description = "unmeasured seconds before each round (default: ${DEFAULT-VALUE})")
  double warmup = 1;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "rounds per pair; each figure is their median (default: ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(
      names = "--no-calibration",
      description = "do not run ghz beside the Go peer in the unary scenarios")
  boolean noCalibration;

  @Option(
      names = "--project",
      paramLabel = "FILE",
      description =
          "a project file (interop.yaml) whose \"benchmarks\" scenarios run on its own contract,"
              + " every client language against each of its servers (default: the built-in"
              + " calculator)")
  Path project;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "where the report goes (default: ${DEFAULT-VALUE})")
  Path report = Path.of("benchmark-report");

  @Override
  public Integer call() throws Exception {
    BenchmarkSettings settings;
    try {
      settings = new BenchmarkSettings(seconds(warmup), seconds(duration), 0, rounds, true);
      if (!peers.isBlank()) {
        System.setProperty("interop.peers", peers);
      }
    } catch (IllegalArgumentException wrong) {
      System.err.println("bench: " + wrong.getMessage());
      return InteropCommand.CANNOT_RUN;
    }
    try {
      Path root = Repository.root();
      ProjectBench bench = null;
      Contract contract = Contracts.current();
      List<Scenario> all;
      if (project == null) {
        all = ScenarioFile.calculator(contract);
      } else {
        bench =
            ProjectBench.prepare(
                ProjectFile.read(project, project.toString()),
                new ProtoCompiler(root.resolve("docker/protoc")));
        contract = bench.contract();
        all = bench.scenarios();
      }
      List<Scenario> chosen = choose(all);
      DockerPreflight.requireDocker();
      var selected = Peers.discover(root);
      try (var topology =
          bench == null ? BenchTopology.start(root, selected) : bench.start(root, selected)) {
        var run =
            new BenchmarkRun(topology, settings, line -> System.err.println("bench: " + line));
        if (!noCalibration) {
          run.calibratedWith(Ghz.prepare(root, contract));
        }
        var result = run.run(chosen);
        BenchmarkReport.write(result, report);
        System.out.println(BenchmarkReport.text(result));
        System.out.println("The report: " + report.resolve("benchmark.json"));
        boolean failed =
            result.cells().stream()
                .flatMap(cell -> cell.rounds().stream())
                .anyMatch(round -> round.failedCalls() > 0);
        return failed ? InteropCommand.FAILED : 0;
      }
    } catch (IllegalArgumentException | CaseFileException wrong) {
      System.err.println("bench: " + wrong.getMessage());
      return InteropCommand.CANNOT_RUN;
    } catch (ProjectFileException
        | ContractException
        | IllegalStateException
        | java.io.UncheckedIOException cannotRun) {
      System.err.println(cannotRun.getMessage());
      return InteropCommand.CANNOT_RUN;
    }
  }

  private List<Scenario> choose(List<Scenario> all) {
    if (scenarios.isEmpty()) {
      return all;
    }
    List<String> known = all.stream().map(Scenario::name).toList();
    for (String name : scenarios) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "there is no scenario \"" + name + "\"; the scenarios are " + String.join(", ", known));
      }
    }
    return all.stream().filter(s -> scenarios.contains(s.name())).toList();
  }

  private static Duration seconds(double seconds) {
    if (Double.isNaN(seconds) || seconds < 0 || seconds > 3600) {
      throw new IllegalArgumentException(
          "a duration is between 0 and 3600 seconds, not " + seconds);
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
