package dev.grpcinterop.harness.cases.generated;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnswerScopeTest {
  private static Observation answered(double real, String message) {
    var response =
        CalculateResponse.newBuilder().setResult(Number.newBuilder().setReal(real)).build();
    return Observation.of(
        RunCallResponse.newBuilder()
            .setStatus(CallStatus.newBuilder().setCode(0).setMessage(message))
            .addResponses(Any.pack(response))
            .build(),
        Contracts.current(),
        Optional.empty());
  }

  @Test
  void ignoredFieldsAreClearedAlongTheirPath() {
    var scope = new AnswerScope(List.of("result.real"), false);
    assertThat(Consensus.answer(scope.apply(answered(1.5, ""))))
        .isEqualTo(Consensus.answer(scope.apply(answered(2.5, ""))));
    assertThat(Consensus.answer(AnswerScope.EVERYTHING.apply(answered(1.5, ""))))
        .isNotEqualTo(Consensus.answer(AnswerScope.EVERYTHING.apply(answered(2.5, ""))));
  }

  @Test
  void statusOnlyKeepsTheCodeAlone() {
    var scope = new AnswerScope(List.of(), true);
    assertThat(Consensus.answer(scope.apply(answered(1.5, "a"))))
        .isEqualTo(Consensus.answer(scope.apply(answered(2.5, "b"))))
        .isEqualTo("OK");
  }
}
