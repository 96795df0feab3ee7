package dev.grpcinterop.harness.cli;

import dev.grpcinterop.harness.cases.CaseFileException;
import dev.grpcinterop.harness.contract.ContractException;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.ProjectFile;
import dev.grpcinterop.harness.project.ProjectFileException;
import dev.grpcinterop.harness.project.ProjectRun;
import dev.grpcinterop.harness.report.ReportMerge;
import dev.grpcinterop.harness.run.Shard;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The harness without Maven, for a Go, Python or Node team's CI: {@code run interop.yaml} runs the
 * matrix a project file describes, writes the report and exits 0 when every pair kept the contract,
 * 1 when one did not, 2 when the project cannot be run as written.
 */
@Command(
    name = "interop",
    mixinStandardHelpOptions = true,
    description = "Runs every language's gRPC client against every server of your contract.",
    subcommands = {InteropCommand.Run.class, InteropCommand.Merge.class, BenchCommand.class})
public final class InteropCommand implements Callable<Integer> {
  static final int FAILED = 1;
  static final int CANNOT_RUN = 2;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    return new CommandLine(new InteropCommand())
        .setExecutionExceptionHandler(
            (unexpected, command, parsed) -> {
              unexpected.printStackTrace(command.getErr());
              command
                  .getErr()
                  .println(
                      "The run stopped on an unexpected error ("
                          + unexpected
                          + "); the trace above has its details. Please report it with the project"
                          + " file.");
              return CANNOT_RUN;
            })
        .execute(args);
  }

  /** Without a subcommand: what there is to do. */
  @Override
  public Integer call() {
    System.err.println("Say what to do, e.g.: interop run interop.yaml (interop --help for more).");
    return CANNOT_RUN;
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Runs the matrix of a project file (docs/your-own-contract.md).")
  static final class Run implements Callable<Integer> {
    @Parameters(paramLabel = "PROJECT_FILE", description = "the project file, e.g. interop.yaml")
    Path projectFile;

    @Option(
        names = "--report",
        paramLabel = "DIR",
        description = "where the report goes (default: interop-report/ in the working folder)")
    Path report;

    @Option(
        names = "--shard",
        paramLabel = "K/N",
        description =
            "run part K of N (the same split on every machine); merge the parts' reports with"
                + " \"interop merge\"")
    String shard;

    @Override
    public Integer call() throws Exception {
      if (shard != null) {
        try {
          Shard.parse(shard);
        } catch (IllegalArgumentException wrong) {
          System.err.println(wrong.getMessage().replace("-Dinterop.shard", "--shard"));
          return CANNOT_RUN;
        }
        System.setProperty("interop.shard", shard);
      }
      try {
        // The project file first: a mistake in it is told without Docker.
        var project = ProjectFile.read(projectFile, projectFile.toString());
        DockerPreflight.requireDocker();
        Path root = Repository.root();
        var run =
            ProjectRun.prepare(
                project, new ProtoCompiler(root.resolve("docker/protoc")), Peers.discover(root));
        Path reportDir = report != null ? report : Path.of("interop-report");
        var outcome = run.execute(root, reportDir);
        System.out.println(outcome.report().text());
        return outcome.failed() ? FAILED : 0;
      } catch (ProjectFileException
          | CaseFileException
          | ContractException
          | IllegalStateException
          | java.io.UncheckedIOException cannotRun) {
        System.err.println(cannotRun.getMessage());
        return CANNOT_RUN;
      }
    }
  }

  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description =
          "Merges the reports of every shard of one run (--shard K/N) into the report an unsharded"
              + " run writes; exits 1 when a case failed, as the run would have.")
  static final class Merge implements Callable<Integer> {
    @Parameters(
        paramLabel = "SHARD_REPORT",
        arity = "1..*",
        description = "the report folders of every shard")
    List<Path> shards;

    @Option(
        names = "--report",
        paramLabel = "DIR",
        description = "where the merged report goes (default: interop-report/)")
    Path report;

    @Override
    public Integer call() throws Exception {
      try {
        var merged = ReportMerge.merge(shards, report != null ? report : Path.of("interop-report"));
        System.out.println(merged.text());
        return merged.failed() ? FAILED : 0;
      } catch (ReportMerge.MergeException wrong) {
        System.err.println("merge: " + wrong.getMessage());
        return CANNOT_RUN;
      }
    }
  }
}
