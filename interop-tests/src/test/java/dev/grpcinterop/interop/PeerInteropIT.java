package dev.grpcinterop.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.client.CallRunner;
import dev.grpcinterop.harness.CalculatorScenarios;
import dev.grpcinterop.harness.DockerPreflight;
import dev.grpcinterop.harness.Outcome;
import dev.grpcinterop.harness.PeerContainer;
import dev.grpcinterop.harness.PeerImage;
import dev.grpcinterop.harness.ReflectionListing;
import dev.grpcinterop.harness.Repository;
import dev.grpcinterop.harness.Scenario;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.containers.Network;

/**
 * Each peer against the Java side, both ways: the Java client calls the peer's server, and the
 * peer's own client, driven through its control service, calls the Java server. Either way the
 * outcome must be the one the Java client observes from the Java server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerInteropIT {
  private static final List<String> PEERS =
      Arrays.stream(System.getProperty("interop.peers", "python,node").split(","))
          .map(String::trim)
          .filter(peer -> !peer.isEmpty() && !peer.equals("java"))
          .toList();
  private static final List<Scenario> SCENARIOS = CalculatorScenarios.all();

  private final Map<String, PeerContainer> peers = new LinkedHashMap<>();
  private final Map<String, PeerContainer> byTarget = new ConcurrentHashMap<>();
  private final Map<String, Outcome> expected = new ConcurrentHashMap<>();
  private Network network;
  private PeerContainer java;
  private CallRunner javaClient;

  @BeforeAll
  void start() {
    DockerPreflight.requireDocker();
    network = Network.newNetwork();
    java =
        new PeerContainer(
                PeerImage.of("java", Repository.root())
                    .withInput("java-service/target/calculator-service.jar", Repository.javaServiceJar()))
            .onNetwork(network, "java");
    java.start();
    byTarget.put(java.target(), java);
    for (String name : PEERS) {
      var peer = new PeerContainer(PeerImage.of(name, Repository.root())).onNetwork(network, name);
      peers.put(name, peer);
      peer.start();
      byTarget.put(peer.target(), peer);
    }
    javaClient = new CallRunner(target -> byTarget.get(target).channel());
  }

  @AfterAll
  void stop() {
    peers.values().forEach(PeerContainer::stop);
    if (java != null) {
      java.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> javaClientAgainstEachServer() {
    return peers.values().stream()
        .map(
            server ->
                dynamicContainer(
                    "java → " + server.peer(),
                    SCENARIOS.stream()
                        .map(
                            scenario ->
                                dynamicTest(
                                    "java → " + server.peer() + " :: " + scenario.name(),
                                    () -> assertLikeJava(scenario, "java", server.peer(),
                                        javaClient.run(scenario.callTo(server.target())))))));
  }

  @TestFactory
  Stream<DynamicNode> eachClientAgainstJavaServer() {
    return peers.values().stream()
        .map(
            client ->
                dynamicContainer(
                    client.peer() + " → java",
                    SCENARIOS.stream()
                        .map(
                            scenario ->
                                dynamicTest(
                                    client.peer() + " → java :: " + scenario.name(),
                                    () -> assertLikeJava(scenario, client.peer(), "java",
                                        control(client, scenario.call())
                                            .runCall(scenario.callTo(java.networkTarget())))))));
  }

  @TestFactory
  Stream<DynamicNode> eachPeerServesHealthAndDescribesItself() {
    List<DynamicNode> checks = new ArrayList<>();
    for (PeerContainer peer : peers.values()) {
      checks.add(
          dynamicTest(
              peer.peer() + " :: health_serving",
              () -> {
                var health = HealthGrpc.newBlockingStub(peer.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
                for (String service : List.of("", "calculator.v1.CalculatorService", "interop.v1.PeerControlService")) {
                  assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                      .as("%s peer's health of \"%s\"", peer.peer(), service)
                      .isEqualTo(ServingStatus.SERVING);
                }
              }));
      checks.add(
          dynamicTest(
              peer.peer() + " :: reflection_lists_services",
              () ->
                  assertThat(ReflectionListing.services(peer.channel()))
                      .as("services the %s peer lists through server reflection", peer.peer())
                      .contains(
                          "calculator.v1.CalculatorService",
                          "interop.v1.PeerControlService",
                          "grpc.health.v1.Health")));
      checks.add(
          dynamicTest(
              peer.peer() + " :: describe",
              () -> {
                var described =
                    PeerControlServiceGrpc.newBlockingStub(peer.channel())
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .describe(DescribeRequest.getDefaultInstance());
                assertThat(described.getLanguage()).isEqualTo(peer.peer());
                assertThat(described.getGrpcLibrary()).isNotBlank();
                assertThat(described.getProtobufLibrary()).isNotBlank();
                assertThat(described.getRuntime()).isNotBlank();
              }));
      checks.add(
          dynamicTest(
              peer.peer() + " :: refuses_a_call_it_cannot_make_and_keeps_serving",
              () -> assertRefusesAndKeepsServing(peer)));
    }
    return checks.stream();
  }

  private void assertRefusesAndKeepsServing(PeerContainer peer) {
    var add = Any.pack(CalculateRequest.getDefaultInstance());
    var unknownMethod =
        RunCallRequest.newBuilder()
            .setTarget(java.networkTarget())
            .setMethod("calculator.v1.CalculatorService/Exponentiate")
            .addRequests(add)
            .setTimeout(Durations.fromSeconds(5))
            .build();
    var malformed =
        unknownMethod.toBuilder()
            .setMethod("calculator.v1.CalculatorService/Calculate")
            .setRequests(0, add.toBuilder().setValue(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01})))
            .build();
    var noTimeout = unknownMethod.toBuilder().setMethod("calculator.v1.CalculatorService/Calculate").clearTimeout().build();
    for (var refused : List.of(unknownMethod, malformed, noTimeout)) {
      var failure =
          catchThrowableOfType(StatusRuntimeException.class, () -> control(peer, refused).runCall(refused));
      assertThat(failure)
          .as("%s peer should refuse RunCall of %s with INVALID_ARGUMENT", peer.peer(), refused.getMethod())
          .isNotNull();
      assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(failure.getStatus().getDescription()).as("the refusal's message").isNotBlank();
    }
    var fine = noTimeout.toBuilder().setTimeout(Durations.fromSeconds(5)).build();
    assertThat(control(peer, fine).runCall(fine).getStatus().getMessage())
        .as("%s peer after the refusals", peer.peer())
        .isEqualTo("operation is required");
  }

  private PeerControlServiceGrpc.PeerControlServiceBlockingStub control(PeerContainer peer, RunCallRequest call) {
    // The call's own deadline, plus room for the peer to report it.
    long millis = Durations.toMillis(call.getTimeout()) + 10_000;
    return PeerControlServiceGrpc.newBlockingStub(peer.channel())
        .withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
        .withMaxInboundMessageSize(64 * 1024 * 1024);
  }

  private void assertLikeJava(Scenario scenario, String client, String server, RunCallResponse observed)
      throws InterruptedException {
    Outcome want = expected(scenario);
    Outcome got = Outcome.of(observed, scenario.contractMessage());
    assertThat(got)
        .as(
            "%s → %s :: %s: the %s client calling the %s server should observe what the Java client"
                + " observes from the Java server (peer logs: the Maven output lines tagged with their"
                + " names)",
            client, server, scenario.name(), client, server)
        .isEqualTo(want);
  }

  private Outcome expected(Scenario scenario) throws InterruptedException {
    Outcome known = expected.get(scenario.name());
    if (known == null) {
      known = Outcome.of(javaClient.run(scenario.callTo(java.target())), scenario.contractMessage());
      expected.put(scenario.name(), known);
    }
    return known;
  }
}
