package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.DescribeResponse;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import dev.grpcinterop.interop.v1.StatusCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeVerdictTest {
  private static final Scenario SCENARIO =
      new Scenario(
          "unary_latency",
          "Latency",
          "m/M",
          true,
          List.of(),
          false,
          1,
          1,
          Duration.ofSeconds(1),
          Scenario.Rate.CALLS);

  static RunLoadResponse load(long ok, long failed) {
    var load =
        RunLoadResponse.newBuilder()
            .setCalls(ok + failed)
            .setLatency(LatencyPercentilesTest.histogram(1_000, 2_000, 3_000))
            .setMessagesReceived(ok + failed)
            .setBytesSent(10 * (ok + failed))
            .setElapsed(Durations.fromSeconds(1))
            .setCpuTime(Durations.fromMillis(5));
    load.addStatuses(StatusCount.newBuilder().setCode(0).setCount(ok));
    if (failed > 0) {
      load.addStatuses(StatusCount.newBuilder().setCode(14).setCount(failed));
      load.setFirstFailure(CallStatus.newBuilder().setCode(14).setMessage("connection refused"));
    }
    return load.build();
  }

  static BenchmarkResult result(LoadFigures figures) {
    return new BenchmarkResult(
        Instant.EPOCH,
        Duration.ofSeconds(1),
        BenchmarkSettings.smoke(),
        BenchTopology.CpuSplit.of(2),
        Map.of("java", DescribeResponse.getDefaultInstance()),
        List.of("java"),
        List.of(SCENARIO),
        List.of(new PairRounds("unary_latency", "java", "java", List.of(figures))),
        List.of());
  }

  @Test
  void onAProjectsOwnServersEveryClientLanguageHasACellOfEachServer() {
    var figures = LoadFigures.of(load(100, 0), 0.5);
    var clients = new java.util.LinkedHashMap<String, DescribeResponse>();
    clients.put("java", DescribeResponse.getDefaultInstance());
    clients.put("go", DescribeResponse.getDefaultInstance());
    var result =
        new BenchmarkResult(
            Instant.EPOCH,
            Duration.ofSeconds(1),
            BenchmarkSettings.smoke(),
            BenchTopology.CpuSplit.of(2),
            clients,
            List.of("shop-python"),
            List.of(SCENARIO),
            List.of(new PairRounds("unary_latency", "go", "shop-python", List.of(figures))),
            List.of());
    assertThat(SmokeVerdict.problems(result))
        .containsExactly("unary_latency: 1 cells measured, not 2");
    assertThat(result.referencePair()).isEqualTo("java → shop-python");
  }

  @Test
  void aCellWithEveryFigureAndNoFailedCallPasses() {
    assertThat(SmokeVerdict.problems(result(LoadFigures.of(load(100, 0), 0.5)))).isEmpty();
  }

  @Test
  void failedCallsAreNamedWithTheFirstFailure() {
    assertThat(SmokeVerdict.problems(result(LoadFigures.of(load(90, 10), 0.5))))
        .containsExactly(
            "unary_latency on java → java: 10 of 100 calls failed, the first with code 14"
                + " connection refused");
  }

  @Test
  void aFigureThatCouldNotBeReadIsAProblem() {
    assertThat(SmokeVerdict.problems(result(LoadFigures.of(load(100, 0), Double.NaN))))
        .containsExactly("unary_latency on java → java: no server CPU per call figure");
  }

  @Test
  void aLoadWithNoCallIsAProblem() {
    assertThat(
            SmokeVerdict.problems(result(LoadFigures.of(RunLoadResponse.getDefaultInstance(), 0))))
        .containsExactly("unary_latency on java → java: no call ended in the measured period");
  }
}
