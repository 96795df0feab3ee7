package dev.grpcinterop.harness.cases.generated;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsensusTest {
  @Test
  void pairsThatAgreePass() {
    var judged = Consensus.judge(Map.of("java → go", ok(real(1.5)), "go → go", ok(real(1.5))));
    assertThat(judged.values()).allMatch(Mismatch::isEmpty);
  }

  @Test
  void nanEqualsNanAndNegativeZeroIsNotZero() {
    var judged = new LinkedHashMap<String, Observation>();
    judged.put("java → go", ok(real(Double.NaN)));
    judged.put("node → go", ok(real(Double.longBitsToDouble(0x7ff8000000000123L))));
    assertThat(Consensus.judge(judged).values()).allMatch(Mismatch::isEmpty);
    judged.clear();
    judged.put("java → python", ok(real(-0.0)));
    judged.put("go → python", ok(real(-0.0)));
    judged.put("node → python", ok(real(0.0)));
    assertThat(Consensus.judge(judged).get("node → python").describe())
        .contains("expected -0.0, got 0.0");
  }

  /** A server that answers one request differently is the odd one out in its column. */
  @Test
  void aServerThatDisagreesIsNamedWithTheConsensus() {
    Map<String, Observation> byPair = new LinkedHashMap<>();
    byPair.put("java → java", error(3, "operation is required"));
    byPair.put("java → go", error(3, "operation is required"));
    byPair.put("java → python", error(3, "left operand is required"));
    Map<String, Mismatch> judged = Consensus.judge(byPair);
    assertThat(judged.get("java → java").isEmpty()).isTrue();
    assertThat(judged.get("java → python").describe())
        .isEqualTo(
            "server consensus: the python server answers this request differently (every client of"
                + " it saw this answer), against the answer 2 of 3 pairs gave (java → java): status"
                + " message: expected \"operation is required\", got \"left operand is required\"");
  }

  /** A client that reads one server's answer differently from that server's other clients. */
  @Test
  void aClientThatDisagreesIsToldFromAServerThatDoes() {
    Map<String, Observation> byPair = new LinkedHashMap<>();
    byPair.put("java → go", ok(real(1.5)));
    byPair.put("node → go", ok(real(1.5)));
    byPair.put("python → go", ok(real(2.5)));
    assertThat(Consensus.judge(byPair).get("python → go").describe())
        .startsWith(
            "client consensus: the python client reads the go server's answer differently from the"
                + " server's other clients, against the answer 2 of 3 pairs gave (java → go)");
  }

  /** Two servers that disagree, each with all its clients: neither is the odd one out. */
  @Test
  void anEvenSplitFailsEveryPairAndShowsEachAnswer() {
    Map<String, Observation> byPair = new LinkedHashMap<>();
    byPair.put("java → python", error(3, "customer is required"));
    byPair.put("java → node", error(9, "customer is required"));
    Map<String, Mismatch> judged = Consensus.judge(byPair);
    assertThat(judged.values()).noneMatch(Mismatch::isEmpty);
    assertThat(judged.get("java → python").describe())
        .contains("answers split:")
        .contains("java → python answered: INVALID_ARGUMENT \"customer is required\"")
        .contains("java → node answered: FAILED_PRECONDITION \"customer is required\"");
  }

  @Test
  void internalAndUnknownFailEvenWhenEveryoneAgrees() {
    var judged =
        Consensus.judge(Map.of("java → go", error(13, "boom"), "go → go", error(13, "boom")));
    assertThat(judged.get("go → go").describe())
        .isEqualTo(
            "status of a generated request: expected anything but INTERNAL or UNKNOWN, got INTERNAL \"boom\"");
  }

  private static Number real(double value) {
    return Number.newBuilder().setReal(value).build();
  }

  private static Observation ok(Number result) {
    return observed(0, "", CalculateResponse.newBuilder().setResult(result).build());
  }

  private static Observation error(int code, String message) {
    return observed(code, message);
  }

  private static Observation observed(int code, String message, Message... responses) {
    var report =
        RunCallResponse.newBuilder()
            .setStatus(CallStatus.newBuilder().setCode(code).setMessage(message));
    for (Message response : responses) {
      report.addResponses(Any.pack(response));
    }
    return Observation.of(report.build(), Contracts.current(), Optional.empty());
  }
}
