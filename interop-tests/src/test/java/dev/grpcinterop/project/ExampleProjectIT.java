package dev.grpcinterop.project;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The example user project, examples/shop, run from its project file as a user's CI runs it: every
 * peer's client against the shop's Python and Node.js servers, with the written cases and the cases
 * generated from its descriptors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleProjectIT {
  static final String PROJECT = "examples/shop/interop.yaml";
  private static final Path REPORT = Path.of("target/example-report");

  private List<CaseResult> results = List.of();

  @BeforeAll
  void runTheExample() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    var run =
        ProjectRun.prepare(
            ProjectFile.read(root.resolve(PROJECT), PROJECT),
            new ProtoCompiler(root.resolve("docker/protoc")),
            Peers.discover(root));
    var outcome = run.execute(root, REPORT);
    System.out.println(outcome.report().text());
    results = new ArrayList<>(outcome.matrix());
    results.addAll(outcome.skew());
  }

  @TestFactory
  Stream<DynamicNode> everyClientAgainstEveryShopServer() {
    return ProjectResults.byPair(results, "interop-tests/" + REPORT + "/index.html");
  }
}
