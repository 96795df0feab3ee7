package dev.grpcinterop.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server as it runs from its jar on its own: a real port, health and reflection, no control
 * service.
 */
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
                Operation.OPERATION_MULTIPLY,
                CalculatorClient.integer(6),
                CalculatorClient.integer(7)))
        .isEqualTo(CalculatorClient.integer(42));
  }

  @Test
  void reportsTheServerAndTheCalculatorServing() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    for (String service : new String[] {"", "calculator.v1.CalculatorService"}) {
      assertThat(
              health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
          .as("health of \"%s\"", service)
          .isEqualTo(ServingStatus.SERVING);
    }
    var unknown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                health.check(
                    HealthCheckRequest.newBuilder()
                        .setService("interop.v1.PeerControlService")
                        .build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void reflectionListsTheCalculatorAndNoControlService() throws Exception {
    assertThat(ReflectionListing.services(channel))
        .containsExactlyInAnyOrder(
            "calculator.v1.CalculatorService",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection");
  }

  @Test
  void echoesTheInteropTestMetadata() {
    var headers = new Metadata();
    headers.put(MetadataEchoInterceptor.ECHO_INITIAL, "hello");
    var echoed = new AtomicReference<Metadata>();
    var client =
        new CalculatorClient(
            ClientInterceptors.intercept(
                channel,
                MetadataUtils.newAttachHeadersInterceptor(headers),
                MetadataUtils.newCaptureMetadataInterceptor(echoed, new AtomicReference<>())),
            Duration.ofSeconds(5));
    client.calculate(
        Operation.OPERATION_ADD, CalculatorClient.integer(1), CalculatorClient.integer(1));
    assertThat(echoed.get().get(MetadataEchoInterceptor.ECHO_INITIAL)).isEqualTo("hello");
  }
}
