package dev.grpcinterop.interop;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.grpcinterop.harness.cases.CaseCatalog;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.generated.GeneratedCase;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.junit.ProjectResults;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.BuiltInProject;
import dev.grpcinterop.harness.project.Project;
import dev.grpcinterop.harness.report.InteropReport;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseSelection;
import dev.grpcinterop.harness.run.GeneratedRunner;
import dev.grpcinterop.harness.run.MatrixRunner;
import dev.grpcinterop.harness.topology.Topology;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
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

  private Topology topology;

  /** The released contract's folder, as the report names it. */
  private String baseline;

  private List<PeerManifest> peers = List.of();
  private List<CaseResult> results = List.of();
  private List<CaseResult> skewResults = List.of();
  private Map<String, Mismatch> unseenResults = Map.of();
  private long wallMillis;

  @BeforeAll
  void runTheMatrix() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    peers = Peers.discover(root);
    // The services, case folders, generated cases and baseline are the project file's
    // (interop.yaml); -Dinterop.seed replays a run's generated requests (each failure prints its
    // seed) and -Dinterop.generated sets how many per method.
    Project calculator = BuiltInProject.read(root);
    Path baselineFolder = calculator.baseline().orElseThrow().roots().get(0);
    baseline = root.relativize(baselineFolder).toString();
    // Cases are read before any container starts: a mistake in a case file costs no build.
    List<GeneratedCase> allGenerated =
        GeneratedCase.forServices(
            Contracts.current(),
            calculator.services().stream().map(Project.Named::name).toList(),
            Long.getLong("interop.seed", calculator.generated().seed()),
            Integer.getInteger("interop.generated", calculator.generated().perMethod()));
    List<String> otherNames =
        new ArrayList<>(allGenerated.stream().map(GeneratedCase::name).toList());
    otherNames.add(UnseenContractCalls.CASE);
    var cases =
        CaseSelection.fromSystemProperty(
            CaseCatalog.all(root, calculator.cases(), Contracts.current()), otherNames);
    var generated = CaseSelection.amongGenerated(allGenerated);
    var wireCases = CaseCatalog.wireCases(cases, Contracts.baseline().methods());
    // Only what the selected cases use is started: no replicas for -Dinterop.cases=tls_unary.
    topology =
        Topology.start(
            root,
            peers,
            CaseCatalog.needs(cases),
            Contracts.current(),
            wireCases.isEmpty() ? null : baselineFolder,
            Contracts.baseline());
    var runner = new MatrixRunner(peers);
    long start = System.nanoTime();
    results = new ArrayList<>(runner.run(cases, topology.pairs()));
    results.addAll(
        new GeneratedRunner(peers, Contracts.current()).run(generated, topology.pairs()));
    skewResults = runner.run(wireCases, topology.skewPairs());
    // Last, as it hands every client another contract in place of the calculator's.
    if (CaseSelection.selectsByName(UnseenContractCalls.CASE)) {
      try (var unseen = new UnseenContractCalls()) {
        unseenResults = unseen.fromEveryClient(topology.clients());
      }
    }
    wallMillis = (System.nanoTime() - start) / 1_000_000;
  }

  @AfterAll
  void reportAndStop() throws Exception {
    if (topology == null) {
      return;
    }
    try {
      List<String> names = peers.stream().map(PeerManifest::name).toList();
      List<String> baselines =
          skewResults.stream()
              .map(CaseResult::client)
              .filter(l -> l.endsWith("@baseline"))
              .distinct()
              .toList();
      List<String> both = new ArrayList<>(baselines);
      both.addAll(names);
      var report =
          new InteropReport(
              new InteropReport.Section("Every client against every server", names, names, results),
              new InteropReport.Section("Version skew", both, both, skewResults),
              baseline,
              wallMillis);
      report.write(REPORT, topology.logs());
      System.out.println(report.text());
    } finally {
      topology.close();
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
