package dev.grpcinterop.harness.cases.generated;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Message;
import dev.grpcinterop.harness.contract.Contracts;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestGeneratorTest {
  private static MethodDescriptor method(String name) {
    return Contracts.current().method("calculator.v1.CalculatorService/" + name).orElseThrow();
  }

  @Test
  void theSameSeedGivesTheSameRequests() {
    assertThat(RequestGenerator.requests(method("Calculate"), 7, 20))
        .isEqualTo(RequestGenerator.requests(method("Calculate"), 7, 20));
    assertThat(RequestGenerator.requests(method("Calculate"), 7, 20))
        .isNotEqualTo(RequestGenerator.requests(method("Calculate"), 8, 20));
  }

  @Test
  void theFirstRequestIsTheEmptyMessageAndUnaryMethodsGetOne() {
    List<List<Message>> requests = RequestGenerator.requests(method("Statistics"), 1, 10);
    assertThat(requests).hasSize(10).allSatisfy(r -> assertThat(r).hasSize(1));
    assertThat(requests.get(0).get(0).getAllFields()).isEmpty();
  }

  @Test
  void streamingMethodsGetNoneOneAndSeveral() {
    List<List<Message>> requests = RequestGenerator.requests(method("Sum"), 1, 6);
    assertThat(requests.get(0)).isEmpty();
    assertThat(requests.get(1)).hasSize(1);
    assertThat(requests.subList(2, 6)).allSatisfy(r -> assertThat(r).hasSizeBetween(2, 4));
  }

  @Test
  void theValuesWhereLanguagesPartWaysAreAmongThem() {
    String all =
        RequestGenerator.requests(method("Calculate"), 3, 200).toString()
            + RequestGenerator.requests(method("Statistics"), 3, 200);
    assertThat(all)
        .contains("9223372036854775807", "9007199254740993", "NaN", "-0.0", "Infinity", "4.9E-324");
    // An operation number the contract does not name, as a newer client may send.
    assertThat(all).containsPattern("operation: \\d{2}");
  }

  @Test
  void durationsStayShortSoThatWaitingServersAnswerSoon() {
    String factorize = RequestGenerator.requests(method("Factorize"), 5, 200).toString();
    assertThat(factorize).doesNotContain("seconds:");
  }
}
