package dev.grpcinterop.interop;

import dev.grpcinterop.harness.cases.CaseCatalog;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.peers.PeerConformance;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.BuiltInProject;
import dev.grpcinterop.harness.project.Project;
import dev.grpcinterop.harness.report.InteropReport;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseSelection;
import dev.grpcinterop.harness.run.MatrixRunner;
import dev.grpcinterop.harness.topology.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * {@code scripts/self-test <name>}: one peer, alone with the Java reference. First the contract
 * checks, which say what to fix before any case can pass; then every case of the catalog from Java
 * to the peer, from the peer to Java and from the peer to itself; then what the peer still lacks,
 * case by case. Left out of a normal run by the pom: there, PeerConformanceIT and InteropMatrixIT
 * cover every peer.
 */
class PeerSelfTestIT {
  private static final Path REPORT = Path.of("target/interop-report");

  @Test
  void selfTest() throws Exception {
    String name = System.getProperty("interop.selftest", "").trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "Name the peer to test: scripts/self-test <name>, for docker/<name>-peer/.");
    }
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    PeerManifest peer = Peers.named(root, name);
    StringBuilder report =
        new StringBuilder(
            "\nSelf-test of docker/" + name + "-peer/\n\nThe contract (docs/peer-contract.md):\n");
    List<PeerConformance.Check> checks;
    try (var conformance = new PeerConformance(root)) {
      checks = conformance.check(peer);
    }
    for (var check : checks) {
      report.append(check.passed() ? "  ok    " : "  FAIL  ").append(check.name()).append('\n');
      if (!check.passed()) {
        report
            .append("        (")
            .append(check.contract())
            .append(")\n")
            .append(check.detail().indent(8));
      }
    }
    if (checks.stream().anyMatch(c -> !c.passed())) {
      System.out.println(
          report.append("\nFix the contract first: no case can pass before it holds.\n"));
      throw new AssertionFailedError(
          "the " + name + " peer does not keep the contract yet; see the self-test report above");
    }

    List<PeerManifest> peers =
        name.equals("java") ? List.of(peer) : List.of(Peers.named(root, "java"), peer);
    List<String> labels = peers.stream().map(PeerManifest::name).toList();
    List<CaseResult> results;
    long start = System.nanoTime();
    var builtIn = BuiltInProject.read(root);
    var cases =
        CaseSelection.fromSystemProperty(
            CaseCatalog.all(
                root,
                builtIn.cases(),
                builtIn.probes().stream().map(Project.Named::name).toList(),
                Contracts.current()));
    try (Topology topology =
        Topology.start(
            root,
            peers,
            CaseCatalog.needs(cases),
            Contracts.current(),
            null,
            Contracts.baseline())) {
      results = new MatrixRunner(peers).run(cases, topology.pairs());
      var matrixReport =
          new InteropReport(
              new InteropReport.Section(
                  "The " + name + " peer and the Java reference", labels, labels, results),
              null,
              null,
              (System.nanoTime() - start) / 1_000_000);
      matrixReport.write(REPORT, topology.logs());
      report.append("\nThe cases:").append(matrixReport.text());
    }
    List<CaseResult> lacking =
        results.stream().filter(r -> r.verdict() == CaseResult.Verdict.FAILED).toList();
    if (lacking.isEmpty()) {
      long known =
          results.stream().filter(r -> r.verdict() == CaseResult.Verdict.KNOWN_FAILURE).count();
      System.out.println(
          report
              .append("\nThe " + name + " peer passes every case")
              .append(
                  known > 0
                      ? ", less "
                          + known
                          + " known failures that the peers' peer.yaml files explain"
                      : "")
              .append(". Next: run the whole matrix, ./mvnw verify.\n"));
      return;
    }
    report
        .append("\nWhat the ")
        .append(name)
        .append(
            " peer still lacks, by group (details and logs: interop-tests/target/interop-report/):\n");
    Map<String, List<CaseResult>> byGroup =
        new TreeMap<>(lacking.stream().collect(Collectors.groupingBy(CaseResult::group)));
    byGroup.forEach(
        (group, failed) -> {
          report.append("  ").append(group).append('\n');
          failed.forEach(
              r ->
                  report
                      .append("    ")
                      .append(r.fullName())
                      .append(": ")
                      .append(gist(r.detail()))
                      .append('\n'));
        });
    report.append(
        "A failure whose cause is the library itself, not the peer, goes into peer.yaml's knownFailures,"
            + " with the reason and a link to the library's issue.\n");
    System.out.println(report);
    throw new AssertionFailedError(
        lacking.size() + " cases fail with the " + name + " peer; see the self-test report above");
  }

  /** The gist of a failure: AssertJ puts what was checked first, then "expected" and "but was". */
  private static String gist(String detail) {
    String gist =
        detail
            .strip()
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .limit(3)
            .collect(Collectors.joining(" "));
    return gist.length() > 240 ? gist.substring(0, 240) + "…" : gist;
  }
}
