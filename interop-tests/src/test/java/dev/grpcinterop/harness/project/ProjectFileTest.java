package dev.grpcinterop.harness.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcinterop.harness.project.Project.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFileTest {
  @TempDir Path folder;

  @BeforeEach
  void aProjectFolder() throws IOException {
    Files.createDirectories(folder.resolve("proto/shop/v1"));
    Files.writeString(folder.resolve("proto/shop/v1/shop.proto"), "syntax = \"proto3\";\n");
    Files.createDirectories(folder.resolve("server"));
    Files.writeString(folder.resolve("server/Dockerfile"), "FROM debian:bookworm-slim\n");
    Files.createDirectories(folder.resolve("cases"));
  }

  private Project parse(String text) {
    return ProjectFile.parse(folder.resolve("interop.yaml"), "interop.yaml", text);
  }

  @Test
  void benchmarksNameAScenarioFileThatMustExist() throws IOException {
    String head =
        """
        protos: {roots: [proto]}
        servers: [{name: api, build: server, port: 8080}]
        """;
    assertThat(parse(head).benchmarks()).isEmpty();
    assertThatThrownBy(() -> parse(head + "benchmarks: bench.yaml\n"))
        .isInstanceOf(ProjectFileException.class)
        .hasMessageContaining("benchmark scenario file bench.yaml does not exist");
    Files.writeString(folder.resolve("bench.yaml"), "scenarios: []\n");
    assertThat(parse(head + "benchmarks: bench.yaml\n").benchmarks())
        .contains(folder.resolve("bench.yaml"));
  }

  @Test
  void readsEveryKey() {
    Project project =
        parse(
            """
            name: shop
            protos: {roots: [proto], files: [shop/v1/shop.proto]}
            services: [shop.v1.ShopService]
            servers:
              - name: api
                build: server
                port: 8080
                env: {MODE: fast}
                args: [--port, "8080"]
                readiness: port
                provides:
                  tls: {port: 8443, env: {TLS: "on"}}
                  mtls: {port: 8444, args: [--mtls]}
              - {name: legacy, image: "registry.example/shop:1.2", port: 50051}
            clients: [java, go]
            cases: cases
            probes: [get_product]
            generated: {seed: 7, perMethod: 3}
            baseline: {roots: [proto]}
            methods:
              shop.v1.ShopService/PlaceOrder: {ignoreFields: [id], answersVary: false}
            knownFailures:
              - {pattern: "python → * :: x", reason: because, flaky: true}
            """);
    assertThat(project.name()).isEqualTo("shop");
    assertThat(project.protos().files()).containsExactly("shop/v1/shop.proto");
    assertThat(project.servers()).hasSize(2);
    var api = project.servers().get(0);
    assertThat(api.build()).contains(folder.resolve("server"));
    assertThat(api.port()).isEqualTo(8080);
    assertThat(api.env()).containsEntry("MODE", "fast");
    assertThat(api.args()).containsExactly("--port", "8080");
    assertThat(api.readiness()).isEqualTo(Readiness.PORT);
    assertThat(api.provides().tls())
        .hasValueSatisfying(
            tls -> {
              assertThat(tls.port()).isEqualTo(8443);
              assertThat(tls.env()).containsEntry("TLS", "on");
            });
    assertThat(api.provides().mtls())
        .hasValueSatisfying(mtls -> assertThat(mtls.args()).containsExactly("--mtls"));
    assertThat(project.probes()).extracting(Project.Named::name).containsExactly("get_product");
    assertThat(project.servers().get(1).provides()).isEqualTo(Project.Provides.NOTHING);
    assertThat(project.servers().get(1).image()).contains("registry.example/shop:1.2");
    assertThat(project.servers().get(1).readiness()).isEqualTo(Readiness.HEALTH);
    assertThat(project.clients()).extracting(Project.Named::name).containsExactly("java", "go");
    assertThat(project.generated()).isEqualTo(new Project.Generated(7, 3));
    assertThat(project.baseline()).isPresent();
    assertThat(project.methods().get("shop.v1.ShopService/PlaceOrder").ignoreFields())
        .containsExactly("id");
    assertThat(project.knownFailures())
        .singleElement()
        .satisfies(k -> assertThat(k.flaky()).isTrue());
  }

  @Test
  void theHarnessPeersCanBeTheServers() {
    Project project = parse("protos: {roots: [proto]}\nservers: peers\n");
    assertThat(project.peerServers()).isTrue();
    assertThat(project.servers()).isEmpty();
  }

  /** The built-in calculator's project file reads as every other. */
  @Test
  void theBuiltInProjectFileReads() {
    Path root = dev.grpcinterop.harness.peers.Repository.root();
    Project calculator = BuiltInProject.read(root);
    assertThat(calculator.peerServers()).isTrue();
    assertThat(calculator.services())
        .extracting(Project.Named::name)
        .containsExactly("calculator.v1.CalculatorService");
    assertThat(calculator.baseline().orElseThrow().roots())
        .containsExactly(root.resolve("proto-baseline"));
  }

  @Test
  void eachMistakeIsOneSentenceWithItsLine() {
    String servers = "servers: [{name: api, build: server, port: 50051}]\n";
    assertFails(
        "protos: {roots: [proto]}\n" + servers + "colour: blue\n",
        "interop.yaml:3: unknown key \"colour\"");
    assertFails(
        "protos: {roots: [protos]}\n" + servers,
        "interop.yaml:1: proto root protos does not exist");
    assertFails(
        "protos: {roots: [proto], files: [shop.proto]}\n" + servers,
        "interop.yaml:1: shop.proto is in none of the proto roots");
    assertFails(servers, "interop.yaml:1: the project file has no \"protos\"");
    assertFails("protos: {roots: [proto]}\n", "has no \"servers\"");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: api, build: nowhere, port: 1}]\n",
        "interop.yaml:2: server build folder nowhere does not exist");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: api, build: server, image: x, port: 1}]\n",
        "needs exactly one of \"image\"");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: api, build: server, port: 70000}]\n",
        "port must be between 1 and 65535");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: API_1, build: server, port: 1}]\n",
        "server name \"API_1\" is not a host name");
    assertFails(
        "protos: {roots: [proto]}\nservers:\n  - {name: a, build: server, port: 1}\n  - {name: a, image: x, port: 1}\n",
        "interop.yaml:4: two servers are named a");
    assertFails(
        "protos: {roots: [proto]}\n" + servers + "methods: {PlaceOrder: {}}\n",
        "\"PlaceOrder\" is not a method name");
    assertFails(
        "protos: {roots: [proto]}\n" + servers + "generated: {perMethod: many}\n",
        "generated.perMethod must be a whole number");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: api, build: server, port: 1, extraCa: certs}]\n",
        "interop.yaml:2: extraCa certs is no folder of the build folder");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: api, build: server, port: 1, colour: x}]\n",
        "unknown key \"colour\" in servers[0]; the keys are");
    assertFails(
        "protos: {roots: [proto]}\nservers:\n  - name: api\n    build: server\n    port: 1\n"
            + "    provides: {tls: {env: {A: b}}}\n",
        "interop.yaml:6: provides.tls of server api needs the \"port\"");
    assertFails(
        "protos: {roots: [proto]}\nservers: [{name: api, build: server, port: 1, provides: {ssl: {}}}]\n",
        "unknown key \"ssl\"");
    assertFails("protos: [unclosed\n", "interop.yaml:2: not valid YAML");
    assertFails("", "the project file is empty");
  }

  private void assertFails(String text, String message) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(ProjectFileException.class)
        .hasMessageContaining(message);
  }
}
