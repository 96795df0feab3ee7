package dev.grpcinterop.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.ProjectFile;
import dev.grpcinterop.harness.project.ProjectRun;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseResult.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example project with its Node.js server started in a mode that answers one request — a
 * PlaceOrder without a customer — with another status than the Python server: the run must fail
 * exactly there, naming the method, the request and both answers, and nowhere else: on the written
 * case, for the Node.js server, and on the generated empty request, for both servers, since with
 * two servers that disagree the harness cannot tell which one is right.
 */
class PlantedShopDivergenceIT {
  private static final String PROJECT = "examples/shop/interop.yaml";

  @Test
  void aServerThatAnswersOneRequestDifferentlyFailsTheRunThere() throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    Path file = root.resolve(PROJECT);
    // The same project, two clients, and the Node.js server told to diverge.
    String text =
        Files.readString(file)
                .replace(
                    "    dockerfile: servers/node/Dockerfile\n",
                    "    dockerfile: servers/node/Dockerfile\n"
                        + "    env: {SHOP_PLANTED_DIVERGENCE: \"1\"}\n")
            + "clients: [java, go]\n";
    var project = ProjectFile.parse(file, PROJECT + " (planted)", text);
    // The divergence is in PlaceOrder: its cases are the ones to run (no TLS instances either).
    String selection = System.getProperty("interop.cases");
    System.setProperty("interop.cases", "place_order_*,generated_placeorder_*");
    ProjectRun run;
    try {
      run =
          ProjectRun.prepare(
              project, new ProtoCompiler(root.resolve("docker/protoc")), Peers.discover(root));
    } finally {
      if (selection == null) {
        System.clearProperty("interop.cases");
      } else {
        System.setProperty("interop.cases", selection);
      }
    }
    List<CaseResult> results = run.execute(root, Path.of("target/planted-shop-report")).matrix();
    assertThat(results).extracting(CaseResult::caseName).contains("place_order_totals_and_echoes");

    List<CaseResult> failed = results.stream().filter(r -> r.verdict() == Verdict.FAILED).toList();
    assertThat(failed)
        .extracting(CaseResult::fullName)
        .contains(
            "java → node :: place_order_missing_customer",
            "go → node :: place_order_missing_customer",
            // Two servers that disagree: neither is the odd one out, so each of their pairs fails.
            "java → python :: generated_placeorder_0",
            "go → python :: generated_placeorder_0",
            "java → node :: generated_placeorder_0",
            "go → node :: generated_placeorder_0");
    // Nothing else fails: only the written case of the missing customer, and generated PlaceOrder
    // requests without a customer (the empty request, and any other the seed made so).
    assertThat(failed)
        .allSatisfy(
            r ->
                assertThat(
                        r.caseName().equals("place_order_missing_customer")
                                && r.server().equals("node")
                            || r.caseName().startsWith("generated_placeorder_")
                                && r.detail()
                                    .contains("FAILED_PRECONDITION \"customer is required\""))
                    .as(r.fullName() + " fails for the planted divergence only: " + r.detail())
                    .isTrue());
    CaseResult generated =
        failed.stream()
            .filter(r -> r.fullName().equals("java → node :: generated_placeorder_0"))
            .findFirst()
            .orElseThrow();
    assertThat(generated.detail())
        .contains("request 0 of shop.v1.ShopService.PlaceOrder: [{}]")
        .contains("seed 20261201")
        .contains("java → node, go → node answered: FAILED_PRECONDITION \"customer is required\"")
        .contains("java → python, go → python answered: INVALID_ARGUMENT \"customer is required\"");
  }
}
