package dev.grpcinterop.harness.project;

import dev.grpcinterop.harness.bench.BenchTopology;
import dev.grpcinterop.harness.bench.Scenario;
import dev.grpcinterop.harness.bench.ScenarioFile;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.contract.ProtoCompiler;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.project.Project.Protos;
import dev.grpcinterop.harness.project.Project.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The performance matrix on a user's contract: the scenarios of the project file's {@code
 * benchmarks}, read against its protos, with every client language of the harness against each of
 * the project's servers (or against every peer, for {@code servers: peers}).
 */
public final class ProjectBench {
  private final Project project;
  private final Contract contract;
  private final List<Scenario> scenarios;

  private ProjectBench(Project project, Contract contract, List<Scenario> scenarios) {
    this.project = project;
    this.contract = contract;
    this.scenarios = scenarios;
  }

  /**
   * Compiles the project's protos and reads its scenarios; a project file without {@code
   * benchmarks}, a scenario naming no method of the contract, or protos that do not compile throw
   * with what to fix.
   */
  public static ProjectBench prepare(Project project, ProtoCompiler compiler) {
    Path file =
        project
            .benchmarks()
            .orElseThrow(
                () ->
                    new ProjectFileException(
                        project.shownAs()
                            + " names no benchmark scenarios; add \"benchmarks: benchmarks.yaml\""
                            + " (the format of the harness's benchmarks/calculator.yaml, methods of"
                            + " your contract) to it."));
    Protos protos = project.protos();
    List<String> files =
        protos.files().isEmpty() ? ProtoCompiler.everyProto(protos.roots()) : protos.files();
    Contract contract =
        compiler.compile(protos.roots(), files, "the protos of " + project.at(protos.line()));
    String shown =
        Path.of(project.shownAs())
            .resolveSibling(project.folder().relativize(file.toAbsolutePath()))
            .toString();
    try (InputStream in = Files.newInputStream(file)) {
      return new ProjectBench(project, contract, ScenarioFile.read(in, shown, contract));
    } catch (IOException unreadable) {
      throw new UncheckedIOException("cannot read " + shown, unreadable);
    }
  }

  public List<Scenario> scenarios() {
    return scenarios;
  }

  public Contract contract() {
    return contract;
  }

  /** Starts the matrix's containers; whoever starts it closes it. */
  public BenchTopology start(Path harnessRoot, List<PeerManifest> peers) {
    List<PeerManifest> clients = ProjectCheck.chosenClients(project, peers);
    if (project.peerServers()) {
      return BenchTopology.start(harnessRoot, clients);
    }
    // Images first, one at a time (builds share the cores), as a run does.
    List<String> images =
        project.servers().stream().map(s -> ProjectTopology.image(project, s)).toList();
    return BenchTopology.start(
        harnessRoot,
        clients,
        network -> {
          Map<String, BenchTopology.Server> servers = new LinkedHashMap<>();
          for (int i = 0; i < project.servers().size(); i++) {
            Server server = project.servers().get(i);
            var container = ProjectTopology.container(images.get(i), server, network);
            servers.put(
                server.name(),
                new BenchTopology.Server(
                    container,
                    container.networkTarget(),
                    () -> ProjectTopology.startServer(project, server, container)));
          }
          return servers;
        },
        Optional.of(contract));
  }
}
