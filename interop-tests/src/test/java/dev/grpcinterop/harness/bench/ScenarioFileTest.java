package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.harness.cases.CaseFileException;
import dev.grpcinterop.harness.contract.Contracts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioFileTest {
  @Test
  void theCalculatorHasTheFiveScenariosOfThePerformanceMatrix() throws Exception {
    List<Scenario> scenarios = ScenarioFile.calculator(Contracts.current());
    assertThat(scenarios)
        .extracting(Scenario::name)
        .containsExactly(
            "unary_latency", "unary_throughput", "large_unary", "server_streaming", "ping_pong");
    Scenario large = scenarios.get(2);
    var request = StatisticsRequest.parseFrom(large.requests().get(0).toByteString());
    assertThat(request.getValuesCount()).isEqualTo(131_072);
    assertThat(request.getSerializedSize()).isGreaterThan(1_000_000);
    Scenario pingPong = scenarios.get(4);
    assertThat(pingPong.requests()).hasSize(100);
    assertThat(pingPong.pingPong()).isTrue();
    assertThat(scenarios.get(3).rate()).isEqualTo(Scenario.Rate.MESSAGES);
    assertThat(scenarios.get(1).concurrency()).isEqualTo(32);
  }

  @Test
  void aMistakeSaysWhichScenarioAndWhat() {
    assertRefused(
        "scenarios: [{name: a, method: calculator.v1.CalculatorService/Calculate, requests: [{}], colour: red}]",
        "scenario a: unknown key \"colour\"");
    assertRefused(
        "scenarios: [{name: a, method: calculator.v1.CalculatorService/Nope, requests: [{}]}]",
        "scenario a: method \"calculator.v1.CalculatorService/Nope\" is not a method");
    assertRefused(
        "scenarios: [{name: a, method: calculator.v1.CalculatorService/Calculate, requests: [{}, {}]}]",
        "takes exactly one request, not 2");
    assertRefused(
        "scenarios: [{name: a, method: calculator.v1.CalculatorService/Calculate, requests: [{}], pingPong: true}]",
        "pingPong needs a bidirectional method");
    assertRefused(
        "scenarios: [{name: a, method: calculator.v1.CalculatorService/Calculate, requests: [{}], concurrency: 0}]",
        "concurrency must be a whole number of at least 1");
    assertRefused(
        "scenarios: [{name: a, method: calculator.v1.CalculatorService/Calculate, requests: [{}], channels: 2}]",
        "channels (2) must not exceed concurrency");
    assertRefused("nothing: here", "a scenario file holds a list under \"scenarios\"");
  }

  private static void assertRefused(String yaml, String phrase) {
    assertThatThrownBy(
            () ->
                ScenarioFile.read(
                    new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                    "scenarios.yaml",
                    Contracts.current()))
        .isInstanceOf(CaseFileException.class)
        .hasMessageContaining(phrase)
        .hasMessageStartingWith("scenarios.yaml");
  }
}
