package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.harness.cases.generated.GeneratedCase;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.run.CaseResult;
import dev.grpcinterop.harness.run.CaseResult.Verdict;
import dev.grpcinterop.harness.run.GeneratedRunner;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.harness.topology.Topology;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generated cases catch a server that answers one request differently from every other: a
 * server planted in this JVM answers the empty CalculateRequest (always a method's first generated
 * request) with a result instead of "operation is required", and the run fails that server's pairs
 * only, naming the method, the request and both answers.
 */
class PlantedDivergenceIT {
  private static final String CASE = "generated_calculate_0";

  @Test
  void aServerThatAnswersOneRequestDifferentlyIsNamedWithTheRequestAndTheAnswers()
      throws Exception {
    DockerPreflight.requireDocker();
    Path root = Repository.root();
    List<PeerManifest> peers = List.of(Peers.named(root, "java"), Peers.named(root, "python"));
    Contract contract = Contracts.current();
    List<GeneratedCase> cases =
        GeneratedCase.forServices(contract, List.of("calculator.v1.CalculatorService"), 1L, 1)
            .stream()
            .filter(c -> c.name().equals(CASE))
            .toList();
    Server planted =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new Planted())
            .build()
            .start();
    List<CaseResult> results;
    try (Topology topology =
        Topology.start(root, peers, Set.of(), contract, null, Contracts.baseline())) {
      List<Cell> cells = new ArrayList<>(topology.pairs());
      String target = PeerContainer.HOST_ALIAS + ":" + planted.getPort();
      topology.pairs().stream()
          .filter(p -> p.serverPeer().equals("java"))
          .forEach(p -> cells.add(new PlantedCell(p, target)));
      results = new GeneratedRunner(peers, contract).run(cases, cells);
    } finally {
      planted.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    assertThat(results).hasSize(6);
    assertThat(results)
        .filteredOn(r -> !r.server().equals("planted"))
        .allMatch(r -> r.verdict() == Verdict.PASSED);
    assertThat(results)
        .filteredOn(r -> r.server().equals("planted"))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.verdict()).isEqualTo(Verdict.FAILED);
              assertThat(r.detail())
                  .contains("request 0 of calculator.v1.CalculatorService.Calculate: [{}]")
                  .contains("against the answer 4 of 6 pairs gave")
                  .contains("status: expected INVALID_ARGUMENT \"operation is required\", got OK");
            });
  }

  /** A client calling the planted server: the pair's client, another server. */
  private record PlantedCell(Pair pair, String target) implements Cell {
    @Override
    public String name() {
      return clientLabel() + " → " + serverLabel();
    }

    @Override
    public String clientLabel() {
      return pair.clientLabel();
    }

    @Override
    public String serverLabel() {
      return "planted";
    }

    @Override
    public String clientPeer() {
      return pair.clientPeer();
    }

    @Override
    public String serverPeer() {
      return "planted";
    }

    @Override
    public Contract clientContract() {
      return pair.clientContract();
    }

    @Override
    public RunCallResponse call(RunCallRequest call) {
      return pair.call(call, target);
    }

    @Override
    public RunCallResponse call(RunCallRequest call, String other) {
      return pair.call(call, other);
    }
  }

  /**
   * A Calculate that answers 0 to everything; the test sends it only the empty request, which the
   * contract refuses with "operation is required".
   */
  private static final class Planted extends CalculatorServiceGrpc.CalculatorServiceImplBase {
    @Override
    public void calculate(CalculateRequest request, StreamObserver<CalculateResponse> responses) {
      responses.onNext(
          CalculateResponse.newBuilder().setResult(Number.newBuilder().setInteger(0)).build());
      responses.onCompleted();
    }
  }
}
