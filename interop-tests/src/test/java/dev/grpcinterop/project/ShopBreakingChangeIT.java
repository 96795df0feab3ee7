package dev.grpcinterop.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.harness.contract.BreakingCheck;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.Repository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The static check on a user's contract, both ways round on the example's two versions: adding
 * fields (released → today) breaks nothing; taking them away again (today → released, as if the
 * released version were the change) is two deleted fields, each named with its file and line, for
 * its number and for its name.
 */
class ShopBreakingChangeIT {
  @Test
  void addingFieldsPassesAndDeletingThemIsNamed() {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    var tools = new ProtoCompiler(root.resolve("docker/protoc"));
    Path today = root.resolve("examples/shop/proto");
    Path released = root.resolve("examples/shop/proto-baseline");

    assertThat(BreakingCheck.findings(tools, tools.breakingRules(), today, released, "proto"))
        .isEmpty();
    assertThat(
            BreakingCheck.findings(tools, tools.breakingRules(), released, today, "proto-baseline"))
        // Each deleted field breaks two rules: its number and its name were not reserved.
        .hasSize(4)
        .allSatisfy(f -> assertThat(f).startsWith("proto-baseline/shop/v1/shop.proto:"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED")
                    .contains("discount_percent"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED")
                    .contains("code_points"));
  }
}
