package dev.grpcinterop.interop;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.ExpectationCheck;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.interop.v1.LoadContractRequest;
import dev.grpcinterop.interop.v1.LoadContractResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.unseen.v1.EchoRequest;
import dev.grpcinterop.unseen.v1.EchoResponse;
import dev.grpcinterop.unseen.v1.EchoServiceGrpc;
import dev.grpcinterop.unseen.v1.Mood;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Every peer's client calls a contract that no peer image was built from (unseen/v1/echo.proto,
 * compiled by this module's test build), once it is handed the contract's descriptors: a server in
 * this JVM answers, reached from the containers by {@link PeerContainer#HOST_ALIAS}.
 */
final class UnseenContractCalls implements AutoCloseable {
  static final String CASE = "unseen_contract_unary";
  private static final String METHOD = "unseen.v1.EchoService/Echo";
  private static final long DEADLINE_MILLIS = 10_000;

  private final Contract unseen =
      Contract.fromResource("/unseen.binpb", "unseen/v1/echo.proto (test contract)");
  private final Server server;

  UnseenContractCalls() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new Echo())
            .build()
            .start();
  }

  /**
   * Each client's mismatch, by its label: empty where it called the unseen contract as expected.
   */
  Map<String, Mismatch> fromEveryClient(List<PeerContainer> clients) {
    Map<String, Mismatch> results = new LinkedHashMap<>();
    EchoRequest request =
        EchoRequest.newBuilder()
            .setText("hi")
            .setTimes(2)
            .putLabels("from", "suite")
            .setSentAt(Timestamp.newBuilder().setSeconds(1_764_547_200))
            .setMood(Mood.MOOD_CHEERFUL)
            .build();
    EchoResponse expected =
        EchoResponse.newBuilder()
            .addEchoes("hi")
            .addEchoes("hi")
            .putLabels("from", "suite")
            .setSentAt(request.getSentAt())
            .setMood(Mood.MOOD_CHEERFUL)
            .build();
    for (PeerContainer client : clients) {
      results.put(client.label(), call(client, request, expected));
    }
    return results;
  }

  private Mismatch call(PeerContainer client, EchoRequest request, EchoResponse expected) {
    var control =
        PeerControlServiceGrpc.newBlockingStub(client.channel())
            .withDeadlineAfter(DEADLINE_MILLIS * 2, TimeUnit.MILLISECONDS);
    try {
      LoadContractResponse loaded =
          control.loadContract(
              LoadContractRequest.newBuilder()
                  .setFileDescriptorSet(unseen.descriptorSet())
                  .build());
      if (!loaded.getServicesList().equals(List.of("unseen.v1.EchoService"))) {
        return Mismatch.of(
            "LoadContract's services",
            "[unseen.v1.EchoService]",
            loaded.getServicesList().toString());
      }
      var call =
          RunCallRequest.newBuilder()
              .setTarget(PeerContainer.HOST_ALIAS + ":" + server.getPort())
              .setMethod(METHOD)
              .addRequests(Any.pack(request))
              .setTimeout(Durations.fromMillis(DEADLINE_MILLIS))
              .build();
      Observation observed = Observation.of(control.runCall(call), unseen, Optional.empty());
      return ExpectationCheck.check(Expectation.ok(expected), observed);
    } catch (StatusRuntimeException refused) {
      return Mismatch.because("the control service refused: " + refused.getStatus());
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** The unseen contract's server: generated code, as a real service is written. */
  private static final class Echo extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
      responses.onNext(
          EchoResponse.newBuilder()
              .addAllEchoes(Collections.nCopies(request.getTimes(), request.getText()))
              .putAllLabels(request.getLabelsMap())
              .setSentAt(request.getSentAt())
              .setMood(request.getMood())
              .build());
      responses.onCompleted();
    }
  }
}
