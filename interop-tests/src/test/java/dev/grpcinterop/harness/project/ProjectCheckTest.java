package dev.grpcinterop.harness.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcinterop.harness.cases.DataCase;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.interop.v1.RunCallRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectCheckTest {
  @TempDir Path folder;

  private static final DataCase GET =
      new DataCase(
          "get_product",
          "Catalog",
          "cases/catalog.yaml:4",
          RunCallRequest.newBuilder().setMethod("shop.v1.ShopService/GetProduct").build(),
          Expectation.ok(),
          Optional.empty());

  private static final DataCase DEADLINE =
      new DataCase(
          "server_sees_the_deadline",
          "Orders",
          "cases/orders.yaml:80",
          RunCallRequest.newBuilder().setMethod("shop.v1.ShopService/PlaceOrder").build(),
          withServerView(Expectation.ok()),
          Optional.empty());

  private Project project(String probes) throws IOException {
    Files.createDirectories(folder.resolve("proto"));
    return ProjectFile.parse(
        folder.resolve("interop.yaml"),
        "interop.yaml",
        "protos: {roots: [proto]}\nservers: [{name: api, image: x, port: 1}]\n" + probes);
  }

  @Test
  void probesAreWrittenCasesByName() throws IOException {
    assertThat(ProjectCheck.probes(project("probes: [get_product]\n"), List.of(DEADLINE, GET)))
        .containsExactly(GET);
    assertThat(ProjectCheck.probes(project(""), List.of(GET))).isEmpty();
  }

  @Test
  void aProbeThatIsNoCaseOrAsksTheServerIsRefusedWithItsLine() throws IOException {
    assertThatThrownBy(() -> ProjectCheck.probes(project("probes: [get]\n"), List.of(GET)))
        .isInstanceOf(ProjectFileException.class)
        .hasMessageContaining("interop.yaml:3: probe get is no case of the case files;");
    assertThatThrownBy(() -> ProjectCheck.probes(project("probes: [get]\n"), List.of()))
        .hasMessageContaining("(there are none: list them under \"cases\")");
    assertThatThrownBy(
            () ->
                ProjectCheck.probes(
                    project("probes: [server_sees_the_deadline]\n"), List.of(DEADLINE)))
        .hasMessageContaining(
            "probe server_sees_the_deadline (cases/orders.yaml:80) expects what the server saw");
  }

  private static Expectation withServerView(Expectation e) {
    return new Expectation(
        e.code(),
        e.message(),
        e.messagePattern(),
        e.responses(),
        e.rules(),
        e.details(),
        e.headers(),
        e.trailers(),
        Optional.of(
            new Expectation.ServerView(
                Optional.empty(), Optional.of(false), Optional.empty(), Optional.empty())));
  }
}
