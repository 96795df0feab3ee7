package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import dev.grpcinterop.harness.docker.DockerPreflight;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.harness.peers.Peers;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java server in a real container built FROM debian:bookworm-slim, called over a mapped port:
 * proves that Docker, image builds and networking work wherever the suite runs.
 */
class JavaPeerContainerIT {
  private static PeerContainer java;
  private static CalculatorClient client;

  @BeforeAll
  static void start() {
    DockerPreflight.requireDocker();
    java =
        new PeerContainer(PeerImage.of(Peers.named(Repository.root(), "java"), Repository.root()));
    java.start();
    client = new CalculatorClient(java.channel(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (java != null) {
      java.stop();
    }
  }

  @Test
  void calculatesInTheContainer() {
    assertThat(
            client.calculate(
                Operation.OPERATION_DIVIDE,
                CalculatorClient.integer(7),
                CalculatorClient.integer(-2)))
        .isEqualTo(CalculatorClient.integer(-3));
    assertThat(client.factorize(360, Duration.ofMillis(5))).containsExactly(2L, 2L, 2L, 3L, 3L, 5L);
  }

  @Test
  void richErrorsCrossTheContainerBoundary() throws Exception {
    var failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                client.calculate(
                    Operation.OPERATION_DIVIDE,
                    CalculatorClient.integer(1),
                    CalculatorClient.real(0.0)));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(failure.getStatus().getDescription()).isEqualTo("division by zero");
    var violation =
        StatusProto.fromThrowable(failure)
            .getDetails(0)
            .unpack(BadRequest.class)
            .getFieldViolations(0);
    assertThat(violation.getField()).isEqualTo("right");
    assertThat(violation.getDescription()).isEqualTo("must not be zero");
  }

  @Test
  void describesItselfThroughTheControlService() {
    var described =
        PeerControlServiceGrpc.newBlockingStub(java.channel())
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .describe(DescribeRequest.getDefaultInstance());
    assertThat(described.getLanguage()).isEqualTo("java");
    assertThat(described.getRuntime()).contains("17");
  }
}
