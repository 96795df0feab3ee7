package dev.grpcinterop.harness.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.StatisticsResponse;
import dev.grpcinterop.harness.cases.Expectation.FieldRules;
import dev.grpcinterop.harness.cases.Expectation.ServerView;
import dev.grpcinterop.harness.contract.Contracts;
import dev.grpcinterop.interop.v1.CallStatus;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The judge of a call, one row per kind of outcome: what is expected, what came, what it says. */
class ExpectationCheckTest {

  static Stream<Arguments> outcomes() {
    return Stream.of(
        row(
            "the same response passes",
            Expectation.ok(result(42)),
            reported(0, "", result(42)),
            ""),
        row(
            "a different integer names its field",
            Expectation.ok(result(43)),
            reported(0, "", result(42)),
            "responses[0].result.integer: expected 43, got 42"),
        row(
            "the other member of a oneof",
            Expectation.ok(result(42)),
            reported(0, "", real(42)),
            "responses[0].result.integer: expected 42, got unset\nresponses[0].result.real: expected unset, got 42.0"),
        row(
            "NaN equals NaN",
            Expectation.ok(real(Double.NaN)),
            reported(0, "", real(Double.NaN)),
            ""),
        row(
            "-0.0 is not 0.0",
            Expectation.ok(real(-0.0)),
            reported(0, "", real(0.0)),
            "responses[0].result.real: expected -0.0, got 0.0"),
        row(
            "too few responses",
            Expectation.ok(result(1), result(2)),
            reported(0, "", result(1)),
            "responses: expected 2 [CalculateResponse {result { integer: 1 }}, CalculateResponse {result { integer: 2 }}],"
                + " got 1 [CalculateResponse {result { integer: 1 }}]"),
        row(
            "no response where none is expected",
            Expectation.code(Code.CANCELLED),
            reported(1, "cancelled"),
            ""),
        row(
            "a wrong code shows the message that came",
            Expectation.code(Code.UNAVAILABLE),
            reported(4, "deadline exceeded"),
            "status: expected UNAVAILABLE, got DEADLINE_EXCEEDED \"deadline exceeded\""),
        row(
            "the message is not compared on OK",
            Expectation.ok().withMessage("ignored"),
            reported(0, "OK"),
            ""),
        row(
            "an exact message",
            Expectation.code(Code.UNKNOWN).withMessage("a\tb"),
            reported(2, "a b"),
            "status message: expected \"a\\tb\", got \"a b\""),
        row("a message pattern", withPattern("overflow$"), reported(11, "integer overflow"), ""),
        row(
            "a message that does not match",
            withPattern("^underflow"),
            reported(11, "integer overflow"),
            "status message: expected a match for /^underflow/, got \"integer overflow\""),
        row("any responses", anyResponses(), reported(0, "", result(1), result(2)), ""),
        row(
            "a tolerance",
            withRules(
                real(1.0),
                new FieldRules(Set.of(), Set.of(), Map.of("result.real", 0.01), Map.of())),
            reported(0, "", real(1.005)),
            ""),
        row(
            "beyond the tolerance",
            withRules(
                real(1.0),
                new FieldRules(Set.of(), Set.of(), Map.of("result.real", 0.001), Map.of())),
            reported(0, "", real(1.005)),
            "responses[0].result.real: expected 1.0, got 1.005"),
        row(
            "an ignored field",
            withRules(stats(1, 2), new FieldRules(Set.of("sum"), Set.of(), Map.of(), Map.of())),
            reported(0, "", stats(1, 99)),
            ""),
        row(
            "a field that must be present",
            withRules(stats(0, 0), new FieldRules(Set.of(), Set.of("count"), Map.of(), Map.of())),
            reported(0, "", stats(0, 0)),
            "responses[0].count: expected a value, got unset"),
        row(
            "details as expected",
            richError(),
            reported(3, "division by zero", rich(3, "division by zero", violation())),
            ""),
        row(
            "details missing",
            richError(),
            reported(3, "division by zero"),
            "details: expected a google.rpc.Status in grpc-status-details-bin, got no such trailer"),
        row(
            "details that disagree with the status",
            richError(),
            reported(3, "division by zero", rich(13, "oops", violation())),
            "details.code: expected INVALID_ARGUMENT (the call's code), got INTERNAL\n"
                + "details.message: expected \"division by zero\" (the call's message), got \"oops\""),
        row(
            "another field violation",
            richError(),
            reported(
                3,
                "division by zero",
                rich(
                    3,
                    "division by zero",
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField("left")
                                .setDescription("must not be zero"))
                        .build())),
            "details.details[0].field_violations[0].field: expected \"right\", got \"left\""),
        row(
            "malformed details",
            richError(),
            reported(3, "division by zero", new byte[] {(byte) 0xff}),
            "details: expected a google.rpc.Status, got grpc-status-details-bin does not parse as a google.rpc.Status:"
                + " While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could"
                + " mean either that the input has been truncated or that an embedded message misreported its own length."),
        row("an echoed header", withHeader("x-echo", "v"), reportedWithHeader("x-echo", "v"), ""),
        row(
            "a header that did not come",
            withHeader("x-echo", "v"),
            reported(0, ""),
            "headers x-echo: expected \"v\", got absent"),
        row(
            "a header with another value",
            withHeader("x-echo", "v"),
            reportedWithHeader("x-echo", "w"),
            "headers x-echo: expected \"v\", got [\"w\"]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outcomes")
  void judges(String what, Expectation expected, Observation observed, String differences) {
    assertThat(ExpectationCheck.check(expected, observed).describe()).isEqualTo(differences);
  }

  static Stream<Arguments> serverViews() {
    var seen =
        GetServerCallResponse.newBuilder()
            .setResponseCompression("gzip")
            .setCancelled(true)
            .setDeadlineRemaining(Durations.fromMillis(4_900))
            .build();
    return Stream.of(
        Arguments.of(
            "as the server saw it", view("gzip", true, 2_000, 5_100), Optional.of(seen), ""),
        Arguments.of(
            "no compression",
            view("gzip", null, null, null),
            Optional.of(seen.toBuilder().setResponseCompression("").build()),
            "server response compression: expected \"gzip\", got \"\""),
        Arguments.of(
            "not cancelled",
            view(null, true, null, null),
            Optional.of(seen.toBuilder().setCancelled(false).build()),
            "server saw the call cancelled: expected true, got false"),
        Arguments.of(
            "a deadline too short",
            view(null, null, 5_000, null),
            Optional.of(seen),
            "server deadline remaining: expected 5000 ms to , got 4900 ms"),
        Arguments.of(
            "no deadline at all",
            view(null, null, 1_000, 5_000),
            Optional.of(seen.toBuilder().clearDeadlineRemaining().build()),
            "server deadline remaining: expected 1000 ms to 5000 ms, got no deadline"),
        Arguments.of(
            "no answer",
            view("gzip", null, null, null),
            Optional.empty(),
            "server: expected what the server saw of the call, got no answer from GetServerCall"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serverViews")
  void judgesWhatTheServerSaw(
      String what, ServerView view, Optional<GetServerCallResponse> seen, String differences) {
    Observation observed = reported(0, "");
    observed = seen.map(observed::withServer).orElse(observed);
    assertThat(ExpectationCheck.check(Expectation.ok().withServer(view), observed).describe())
        .isEqualTo(differences);
  }

  private static Arguments row(
      String what, Expectation expected, Observation observed, String differences) {
    return Arguments.of(what, expected, observed, differences);
  }

  private static ServerView view(
      String compression, Boolean cancelled, Integer atLeastMillis, Integer atMostMillis) {
    return new ServerView(
        Optional.ofNullable(compression),
        Optional.ofNullable(cancelled),
        Optional.ofNullable(atLeastMillis).map(Duration::ofMillis),
        Optional.ofNullable(atMostMillis).map(Duration::ofMillis));
  }

  private static CalculateResponse result(long value) {
    return CalculateResponse.newBuilder().setResult(Number.newBuilder().setInteger(value)).build();
  }

  private static CalculateResponse real(double value) {
    return CalculateResponse.newBuilder().setResult(Number.newBuilder().setReal(value)).build();
  }

  private static StatisticsResponse stats(long count, double sum) {
    return StatisticsResponse.newBuilder().setCount(count).setSum(sum).build();
  }

  private static BadRequest violation() {
    return BadRequest.newBuilder()
        .addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField("right")
                .setDescription("must not be zero"))
        .build();
  }

  private static Expectation richError() {
    return new Expectation(
        Code.INVALID_ARGUMENT,
        Optional.of("division by zero"),
        Optional.empty(),
        Optional.of(List.of()),
        FieldRules.EXACT,
        Optional.of(List.of(violation())),
        List.of(),
        List.of(),
        Optional.empty());
  }

  private static Expectation withPattern(String regex) {
    return new Expectation(
        Code.OUT_OF_RANGE,
        Optional.empty(),
        Optional.of(Pattern.compile(regex)),
        Optional.of(List.of()),
        FieldRules.EXACT,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  private static Expectation anyResponses() {
    return new Expectation(
        Code.OK,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        FieldRules.EXACT,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  private static Expectation withRules(Message response, FieldRules rules) {
    return new Expectation(
        Code.OK,
        Optional.empty(),
        Optional.empty(),
        Optional.of(List.of(response)),
        rules,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  private static Expectation withHeader(String key, String value) {
    return new Expectation(
        Code.OK,
        Optional.empty(),
        Optional.empty(),
        Optional.of(List.of()),
        FieldRules.EXACT,
        Optional.empty(),
        List.of(MetadataEntry.newBuilder().setKey(key).setText(value).build()),
        List.of(),
        Optional.empty());
  }

  private static byte[] rich(int code, String message, Message detail) {
    return com.google.rpc.Status.newBuilder()
        .setCode(code)
        .setMessage(message)
        .addDetails(Any.pack(detail))
        .build()
        .toByteArray();
  }

  private static Observation reported(int code, String message, Message... responses) {
    return reported(code, message, new byte[0], responses);
  }

  private static Observation reported(
      int code, String message, byte[] details, Message... responses) {
    var report =
        RunCallResponse.newBuilder()
            .setStatus(
                CallStatus.newBuilder()
                    .setCode(code)
                    .setMessage(message)
                    .setDetails(ByteString.copyFrom(details)));
    for (Message response : responses) {
      report.addResponses(Any.pack(response));
    }
    return Observation.of(report.build(), Contracts.current(), Optional.empty());
  }

  private static Observation reportedWithHeader(String key, String value) {
    var report =
        RunCallResponse.newBuilder()
            .setStatus(CallStatus.newBuilder())
            .addHeaders(MetadataEntry.newBuilder().setKey(key).setText(value));
    return Observation.of(report.build(), Contracts.current(), Optional.empty());
  }
}
