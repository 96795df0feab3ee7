package dev.grpcinterop.protocheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.grpcinterop.harness.peers.Repository;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/check-proto on a corpus of proto changes: {@code proto-changes/base/} is the proto
 * before, and each {@code proto-changes/<safe|breaking>/<name>/} holds it after one change ({@code
 * after/}) and the exact findings the check must print.
 */
class ProtoChangeCheckTest {
  private static final int SAFE = 0;
  private static final int BREAKING = 1;
  private static final int CANNOT_CHECK = 2;

  record Run(int exitCode, List<String> out, String err) {}

  @TestFactory
  Stream<DynamicTest> everyChangeInTheCorpus() throws IOException, URISyntaxException {
    Path corpus = Path.of(getClass().getResource("/proto-changes").toURI());
    Path base = corpus.resolve("base");
    // Each check is a few short processes: on two cores, three at once take half the time of one
    // after another. Each test then waits for its own.
    ExecutorService checks = Executors.newFixedThreadPool(3);
    List<DynamicTest> tests = new ArrayList<>();
    try {
      for (String kind : List.of("safe", "breaking")) {
        try (Stream<Path> cases = Files.list(corpus.resolve(kind))) {
          for (Path change : cases.sorted().toList()) {
            Future<Run> run =
                checks.submit(
                    () ->
                        checkProto(
                            "--proto",
                            change.resolve("after").toString(),
                            "--against",
                            base.toString()));
            tests.add(
                dynamicTest(
                    kind + " :: " + change.getFileName(),
                    () -> assertFindings(kind, change, run.get())));
          }
        }
      }
    } finally {
      checks.shutdown();
    }
    return tests.stream();
  }

  private static void assertFindings(String kind, Path change, Run run) throws Exception {
    List<String> expected = Files.readAllLines(change.resolve("expected-findings.txt"));
    assertThat(run.exitCode())
        .as(
            "exit code of scripts/check-proto for the %s change %s (stderr: %s)",
            kind, change.getFileName(), run.err())
        .isEqualTo(kind.equals("safe") ? SAFE : BREAKING);
    List<String> findings =
        run.out().stream()
            .filter(line -> !line.startsWith("check-proto:"))
            .map(line -> line.substring(line.indexOf("/after/") + "/after/".length()))
            .toList();
    assertThat(findings)
        .as("findings for %s", change.getFileName())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void theProjectsOwnContractIsCompatibleWithItsBaseline() throws Exception {
    Run run = checkProto();
    assertThat(run.exitCode())
        .as("scripts/check-proto on proto/: %s %s", run.out(), run.err())
        .isEqualTo(SAFE);
    assertThat(run.out()).singleElement().asString().startsWith("check-proto: no breaking change");
  }

  @Test
  void aProtoThatDoesNotCompileIsAnErrorInTheCompilersWords(@TempDir Path dir) throws Exception {
    Path proto = dir.resolve("broken/shop/v1/orders.proto");
    Files.createDirectories(proto.getParent());
    Files.writeString(
        proto, "syntax = \"proto3\";\npackage shop.v1;\nmessage Order { int64 = 1; }\n");
    Run run = checkProto("--proto", dir.resolve("broken").toString());
    assertThat(run.exitCode()).isEqualTo(CANNOT_CHECK);
    assertThat(run.err()).contains("shop/v1/orders.proto:3:").contains("does not compile");
  }

  @Test
  void aMissingBaselineSaysHowToCreateOne(@TempDir Path dir) throws Exception {
    Run run = checkProto("--against", dir.resolve("nothing-here").toString());
    assertThat(run.exitCode()).isEqualTo(CANNOT_CHECK);
    assertThat(run.err()).contains("no released contract").contains("scripts/check-proto --accept");
  }

  private static Run checkProto(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of("bash", Repository.root().resolve("scripts/check-proto").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(Repository.root().toFile()).start();
    var out = new String(process.getInputStream().readAllBytes());
    var err = new String(process.getErrorStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("scripts/check-proto did not finish within 120 s");
    }
    return new Run(process.exitValue(), out.lines().toList(), err);
  }
}
