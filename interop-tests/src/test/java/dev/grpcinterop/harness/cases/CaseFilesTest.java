package dev.grpcinterop.harness.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.harness.peers.Repository;
import dev.grpcinterop.harness.project.BuiltInProject;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CaseFilesTest {
  private static final String UNARY =
      """
      group: Calls
      cases:
        - name: unary
          method: calculator.v1.CalculatorService/Calculate
          requests:
            - {operation: OPERATION_ADD, left: {integer: 40}, right: {integer: 2}}
          expect:
            responses:
              - {result: {integer: 42}}
      """;

  private static List<DataCase> parse(String text) {
    return CaseFiles.parse("cases/test.yaml", text, Contracts.current());
  }

  @Test
  void theCalculatorsCaseFilesLoad() {
    List<DataCase> cases =
        CaseCatalog.dataCases(
            Repository.root(), BuiltInProject.read(Repository.root()).cases(), Contracts.current());
    assertThat(cases).hasSizeGreaterThanOrEqualTo(48);
    assertThat(cases)
        .extracting(DataCase::name)
        .doesNotHaveDuplicates()
        .contains(
            "empty_unary",
            "large_unary",
            "rich_error_details",
            "special_status_message",
            "unknown_field_ignored");
    assertThat(cases.get(0).source())
        .startsWith("interop-tests/src/main/resources/cases/calculator/calls.yaml:");
  }

  @Test
  void aCaseIsTheCallAPeerIsToldToMake() {
    DataCase unary = parse(UNARY).get(0);
    assertThat(unary.source()).isEqualTo("cases/test.yaml:3");
    assertThat(unary.group()).isEqualTo("Calls");
    assertThat(unary.call().getMethod()).isEqualTo("calculator.v1.CalculatorService/Calculate");
    assertThat(unary.call().getRequests(0).getTypeUrl())
        .isEqualTo("type.googleapis.com/calculator.v1.CalculateRequest");
    assertThat(Durations.toMillis(unary.call().getTimeout())).isEqualTo(10_000);
  }

  @Test
  void negativeZeroSurvivesTheJsonMapping() {
    DataCase negativeZero =
        CaseCatalog.dataCases(
                Repository.root(),
                BuiltInProject.read(Repository.root()).cases(),
                Contracts.current())
            .stream()
            .filter(c -> c.name().equals("negative_zero"))
            .findFirst()
            .orElseThrow();
    Number expected = Number.newBuilder().setReal(-0.0).build();
    Observation positiveZero = observed(Number.newBuilder().setReal(0.0).build());
    assertThat(ExpectationCheck.check(negativeZero.expect(), observed(expected)).isEmpty())
        .isTrue();
    assertThat(ExpectationCheck.check(negativeZero.expect(), positiveZero).describe())
        .isEqualTo("responses[0].result.real: expected -0.0, got 0.0");
  }

  /** Editing an expected value makes the case fail, naming the field; the case names its file. */
  @Test
  void anEditedExpectationFailsNamingTheField() {
    DataCase edited = parse(UNARY.replace("{integer: 42}", "{integer: 43}")).get(0);
    Mismatch mismatch =
        ExpectationCheck.check(
            edited.expect(), observed(Number.newBuilder().setInteger(42).build()));
    assertThat(mismatch.describe()).isEqualTo("responses[0].result.integer: expected 43, got 42");
    assertThat(edited.source()).isEqualTo("cases/test.yaml:3");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      unknown key in a case         | pingpong: true                        | cases/test.yaml:3 (case unary): unknown key "pingpong" in a case
      unknown method                | method: calculator.v1.CalculatorService/Nope | the method "calculator.v1.CalculatorService/Nope" is not in proto/
      unknown field in a request    | requests: [{operand: 1}]              | requests[0] is not a calculator.v1.CalculateRequest in the protobuf JSON mapping
      bad enum in a request         | requests: [{operation: OPERATION_POWER}] | requests[0] is not a calculator.v1.CalculateRequest
      two requests for a unary call | requests: [{}, {}]                    | is not client streaming, so it takes exactly one request; this case has 2
      an unknown status code        | expect: {status: NOT_OK}              | expect.status "NOT_OK" is not a gRPC status code
      a malformed duration          | timeout: soon                         | timeout "soon" is not a duration
      a detail without a type       | expect: {status: INTERNAL, details: [{field: x}]} | expect.details[0] needs an "@type"
      bad base64 metadata           | 'metadata: {x-trace-bin: "*"}'        | a -bin key's value is base64
      """)
  void aMalformedCaseFailsAtLoadNamingFileLineAndProblem(String what, String line, String message) {
    String text =
        """
        group: Calls
        cases:
          - name: unary
            method: calculator.v1.CalculatorService/Calculate
            requests: [{}]
            expect: {status: OK}
        """;
    String key = line.substring(0, line.indexOf(':'));
    String edited =
        text.lines().anyMatch(l -> l.strip().startsWith(key + ":"))
            ? text.lines()
                .map(l -> l.strip().startsWith(key + ":") ? "    " + line : l)
                .reduce("", (a, b) -> a + b + "\n")
            : text + "    " + line + "\n";
    assertThatThrownBy(() -> parse(edited))
        .isInstanceOf(CaseFileException.class)
        .hasMessageStartingWith("cases/test.yaml:3 (case unary): ")
        .hasMessageContaining(message);
  }

  @Test
  void invalidYamlNamesItsLine() {
    assertThatThrownBy(() -> parse("group: Calls\ncases:\n  - name: [unclosed\n"))
        .isInstanceOf(CaseFileException.class)
        .hasMessageStartingWith("cases/test.yaml:")
        .hasMessageContaining("not valid YAML")
        .message()
        .doesNotContain("\n");
  }

  @Test
  void aDuplicateNameIsRefused() {
    assertThatThrownBy(
            () ->
                CaseFiles.load(
                    java.nio.file.Files.writeString(
                            java.nio.file.Files.createDirectories(
                                    java.nio.file.Files.createTempDirectory("cases"))
                                .resolve("a.yaml"),
                            UNARY + UNARY.substring(UNARY.indexOf("  - name")))
                        .getParent(),
                    Contracts.current()))
        .isInstanceOf(CaseFileException.class)
        .hasMessageContaining("a case named unary is already at");
  }

  private static Observation observed(Number result) {
    var reported =
        RunCallResponse.newBuilder()
            .addResponses(Any.pack(CalculateResponse.newBuilder().setResult(result).build()))
            .setStatus(CallStatus.newBuilder().setCode(0))
            .build();
    return Observation.of(reported, Contracts.current(), Optional.empty());
  }
}
