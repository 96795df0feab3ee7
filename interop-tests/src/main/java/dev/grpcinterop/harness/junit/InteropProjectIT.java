package dev.grpcinterop.harness.junit;

import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.ProjectFile;
import dev.grpcinterop.harness.project.ProjectRun;
import dev.grpcinterop.harness.run.CaseResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.AssertionFailedError;

/**
 * A user's contract run as JUnit tests, one per case and pair: what a user's {@code mvn verify}
 * runs, with failsafe's {@code dependenciesToScan} naming the harness (docs/your-own-contract.md).
 * {@code -Dinterop.project} names the project file (default: interop.yaml in the working folder,
 * the project's base directory); {@code -Dinterop.report} the report's folder (default:
 * target/interop-report).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class InteropProjectIT {
  private List<CaseResult> results = List.of();
  private ProjectRun.StaticCheck staticCheck;
  private Path report;

  @BeforeAll
  void runTheMatrix() throws Exception {
    DockerPreflight.requireDocker();
    Path file = Path.of(System.getProperty("interop.project", "interop.yaml"));
    report = Path.of(System.getProperty("interop.report", "target/interop-report"));
    Path root = Repository.root();
    // Named from the working folder (the project's base directory) where it is inside it, so that
    // messages say "cases/orders.yaml:12" rather than a machine's absolute path.
    Path here = Path.of("").toAbsolutePath();
    String shown =
        file.toAbsolutePath().startsWith(here)
            ? here.relativize(file.toAbsolutePath()).toString()
            : file.toString();
    var run =
        ProjectRun.prepare(
            ProjectFile.read(file, shown),
            new ProtoCompiler(root.resolve("docker/protoc")),
            Peers.discover(root));
    var outcome = run.execute(root, report);
    System.out.println(outcome.report().text());
    staticCheck = outcome.staticCheck();
    results = new ArrayList<>(outcome.matrix());
    results.addAll(outcome.skew());
  }

  /** The static half of the proto-change check: today's protos against the released ones. */
  @Test
  void theProtosKeepWhatTheReleasedOnesPromised() {
    staticCheck.notApplicable().ifPresent(reason -> Assumptions.abort("not applicable: " + reason));
    if (staticCheck.failed()) {
      throw new AssertionFailedError(
          "the protos break their released version:\n" + String.join("\n", staticCheck.findings()));
    }
  }

  @TestFactory
  Stream<DynamicNode> everyClientAgainstEveryServer() {
    return ProjectResults.byPair(results, report.resolve("index.html").toString());
  }
}
