package dev.grpcinterop.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server as it runs from its jar: a real port, health and reflection. */
class CalculatorServerTest {
  private CalculatorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = new CalculatorServer().start(0);
    channel =
        Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create())
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  @Test
  void servesTheCalculatorOnTheChosenPort() {
    assertThat(server.port()).isPositive();
    var client = new CalculatorClient(channel, Duration.ofSeconds(5));
    assertThat(
            client.calculate(
                Operation.OPERATION_MULTIPLY, CalculatorClient.integer(6), CalculatorClient.integer(7)))
        .isEqualTo(CalculatorClient.integer(42));
  }

  @Test
  void reportsEveryServiceServing() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    for (String service :
        new String[] {"", "calculator.v1.CalculatorService", "interop.v1.PeerControlService"}) {
      assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
          .as("health of \"%s\"", service)
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void reflectionListsTheServices() throws Exception {
    var listed = new CompletableFuture<ServerReflectionResponse>();
    var requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    listed.complete(response);
                  }

                  @Override
                  public void onError(Throwable error) {
                    listed.completeExceptionally(error);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    assertThat(listed.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains(
            "calculator.v1.CalculatorService",
            "interop.v1.PeerControlService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection");
  }

  @Test
  void tellsCallsOnOneConnectionFromCallsOnAnother() throws Exception {
    ManagedChannel other =
        Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create()).build();
    try {
      String first = peerOf(channel, "first");
      String again = peerOf(channel, "again");
      String elsewhere = peerOf(other, "elsewhere");
      assertThat(first).matches("(127\\.0\\.0\\.1|\\[::1\\]):\\d+").isEqualTo(again).isNotEqualTo(elsewhere);
    } finally {
      other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Makes a call carrying {@code callId} and asks the server which client address it came from. */
  private static String peerOf(ManagedChannel channel, String callId) {
    var headers = new Metadata();
    headers.put(ServerCallLog.CALL_ID, callId);
    var client =
        new CalculatorClient(
            ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
            Duration.ofSeconds(5));
    client.calculate(Operation.OPERATION_ADD, CalculatorClient.integer(1), CalculatorClient.integer(1));
    return PeerControlServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getServerCall(GetServerCallRequest.newBuilder().setCallId(callId).build())
        .getPeer();
  }
}
