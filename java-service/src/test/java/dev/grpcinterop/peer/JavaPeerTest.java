package dev.grpcinterop.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import dev.grpcinterop.interop.v1.GetServerCallRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.SetServingRequest;
import dev.grpcinterop.service.CalculatorServer;
import dev.grpcinterop.service.ReflectionListing;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The peer as its image runs it: the calculator server with the control service, on a real port.
 */
class JavaPeerTest {
  private static final String[] HEALTH_SERVICES = {
    "", "calculator.v1.CalculatorService", "interop.v1.PeerControlService"
  };

  private CalculatorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = JavaPeer.server().start(0);
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
  void reportsEveryServiceServingUntilToldOtherwise() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    assertThat(HEALTH_SERVICES)
        .allSatisfy(
            service -> assertThat(status(health, service)).isEqualTo(ServingStatus.SERVING));
    control(channel).setServing(SetServingRequest.newBuilder().setServing(false).build());
    assertThat(HEALTH_SERVICES)
        .allSatisfy(
            service -> assertThat(status(health, service)).isEqualTo(ServingStatus.NOT_SERVING));
  }

  @Test
  void reflectionListsTheControlServiceToo() throws Exception {
    assertThat(ReflectionListing.services(channel))
        .contains("calculator.v1.CalculatorService", "interop.v1.PeerControlService");
  }

  @Test
  void tellsCallsOnOneConnectionFromCallsOnAnother() throws Exception {
    ManagedChannel other =
        Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create())
            .build();
    try {
      String first = peerOf(channel, "first");
      String again = peerOf(channel, "again");
      String elsewhere = peerOf(other, "elsewhere");
      assertThat(first)
          .matches("(127\\.0\\.0\\.1|\\[::1\\]):\\d+")
          .isEqualTo(again)
          .isNotEqualTo(elsewhere);
    } finally {
      other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWrongFlagEndsInOneSentenceAndExitCode2() {
    var stderr = new StringWriter();
    var command = JavaPeer.server().commandLine("java-peer");
    command.setErr(new PrintWriter(stderr, true));
    assertThat(command.execute("--port", "not-a-port")).isEqualTo(2);
    assertThat(stderr.toString().strip())
        .startsWith("java-peer: ")
        .contains("--port")
        .doesNotContain("\n");
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
    return health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static PeerControlServiceGrpc.PeerControlServiceBlockingStub control(
      ManagedChannel channel) {
    return PeerControlServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  /** Makes a call carrying {@code callId} and asks the server which client address it came from. */
  private static String peerOf(ManagedChannel channel, String callId) {
    var headers = new Metadata();
    headers.put(ServerCallLog.CALL_ID, callId);
    var client =
        new CalculatorClient(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
            Duration.ofSeconds(5));
    client.calculate(
        Operation.OPERATION_ADD, CalculatorClient.integer(1), CalculatorClient.integer(1));
    return control(channel)
        .getServerCall(GetServerCallRequest.newBuilder().setCallId(callId).build())
        .getPeer();
  }
}
