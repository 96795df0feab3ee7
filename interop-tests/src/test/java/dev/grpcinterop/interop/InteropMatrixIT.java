package dev.grpcinterop.interop;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.junit.ProjectResults;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.BuiltInProject;
import dev.grpcinterop.harness.project.Project;
import dev.grpcinterop.harness.project.ProjectRun;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseSelection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.AssertionFailedError;

/**
 * The product's main job: every case of the catalog on every client × server pair of peers, each
 * reported as its own test ("python → node :: special_status_message") and in the matrix report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropMatrixIT {
  private static final Path REPORT = Path.of("target/interop-report");

  private List<CaseResult> results = List.of();
  private List<CaseResult> skewResults = List.of();
  private Map<String, Mismatch> unseenResults = Map.of();

  /**
   * The calculator's project file (interop.yaml: its services, case folders, generated cases and
   * baseline, with the peers as servers) run as any project is. -Dinterop.seed replays a run's
   * generated requests (each failure prints its seed), -Dinterop.generated sets how many per
   * method, and -Dinterop.cases picks cases.
   */
  @BeforeAll
  void runTheMatrix() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    Project calculator = BuiltInProject.read(root);
    var generated = calculator.generated();
    calculator =
        calculator.withGenerated(
            new Project.Generated(
                Long.getLong("interop.seed", generated.seed()),
                Integer.getInteger("interop.generated", generated.perMethod())));
    // Cases are read, and the protos checked, before any container starts.
    var run =
        ProjectRun.prepare(
            calculator,
            new ProtoCompiler(root.resolve("docker/protoc")),
            Peers.discover(root),
            List.of(UnseenContractCalls.CASE));
    var outcome =
        run.execute(
            root,
            REPORT,
            // Last, as it hands every client another contract in place of the calculator's.
            clients -> {
              if (CaseSelection.selectsByName(UnseenContractCalls.CASE)) {
                try (var unseen = new UnseenContractCalls()) {
                  unseenResults = unseen.fromEveryClient(clients);
                } catch (Exception failed) {
                  throw new IllegalStateException(failed);
                }
              }
            });
    System.out.println(outcome.report().text());
    results = outcome.matrix();
    skewResults = outcome.skew();
    if (outcome.staticCheck().failed()) {
      throw new AssertionFailedError(
          "proto/ breaks its released version:\n"
              + String.join("\n", outcome.staticCheck().findings()));
    }
  }

  @TestFactory
  Stream<DynamicNode> everyClientAgainstEveryServer() {
    return byPair(results);
  }

  @TestFactory
  Stream<DynamicNode> releasedAgainstCurrentContract() {
    return byPair(skewResults);
  }

  /** A contract no peer image was built from, loaded into every client at run time and called. */
  @TestFactory
  Stream<DynamicNode> everyClientCallsAContractItWasNeverBuiltFrom() {
    return unseenResults.entrySet().stream()
        .map(
            result ->
                dynamicTest(
                    result.getKey() + " → test JVM :: " + UnseenContractCalls.CASE,
                    () -> {
                      if (!result.getValue().isEmpty()) {
                        throw new AssertionFailedError(
                            result.getKey()
                                + " → test JVM :: "
                                + UnseenContractCalls.CASE
                                + ": the client, handed unseen/v1/echo.proto's descriptors, did not call it as expected:\n"
                                + result.getValue().describe()
                                + "\n(peer logs: interop-tests/target/interop-report/logs/)");
                      }
                    }));
  }

  private static Stream<DynamicNode> byPair(List<CaseResult> results) {
    return ProjectResults.byPair(results, "interop-tests/target/interop-report/index.html");
  }
}
