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
import java.nio.file.Path;
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
    subcommands = {InteropCommand.Run.class})
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

    @Override
    public Integer call() throws Exception {
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
}
