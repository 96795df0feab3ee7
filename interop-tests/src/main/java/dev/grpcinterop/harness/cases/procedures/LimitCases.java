package dev.grpcinterop.harness.cases.procedures;

import static dev.grpcinterop.harness.cases.procedures.Calls.add;
import static dev.grpcinterop.harness.cases.procedures.Calls.calculate;
import static dev.grpcinterop.harness.cases.procedures.Calls.factorize;
import static dev.grpcinterop.harness.cases.procedures.Calls.result;
import static dev.grpcinterop.harness.cases.procedures.Calls.runningAverage;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.grpcinterop.calculator.v1.FactorizeResponse;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.ExpectationCheck;
import dev.grpcinterop.harness.cases.InteropCase;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.topology.Pair;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a server refuses, and that it keeps serving after it: a request it cannot parse, one over
 * its 4 MiB limit; and many calls at once on one channel.
 */
public final class LimitCases {
  private static final String ERRORS = "Errors";
  private static final String LIMITS = "Limits and multiplexing";

  private LimitCases() {}

  public static List<InteropCase> all() {
    return List.of(
        InteropCase.of("malformed_request", ERRORS, LimitCases::malformedRequest),
        InteropCase.of("message_over_receive_limit", LIMITS, LimitCases::messageOverReceiveLimit),
        InteropCase.of("multiplexing", LIMITS, LimitCases::multiplexing));
  }

  /**
   * Bytes that are not a CalculateRequest are refused with INTERNAL, as gRPC libraries answer a
   * message they cannot parse.
   */
  private static Mismatch malformedRequest(Pair pair) {
    RunCallRequest malformed = raw(Calls.CALCULATE, new byte[] {(byte) 0xff, 0x01}, 1);
    return refusedThenServing(
        pair,
        malformed,
        Status.Code.INTERNAL,
        "a request that is not a CalculateRequest (bytes ff 01)");
  }

  /** 700 copies of an 8 KB request merge into one of 5.6 MB, over the server's 4 MiB limit. */
  private static Mismatch messageOverReceiveLimit(Pair pair) {
    var thousand = StatisticsRequest.newBuilder();
    for (int i = 999; i >= 0; i--) {
      thousand.addValues(i);
    }
    RunCallRequest tooLarge = raw(Calls.STATISTICS, thousand.build().toByteArray(), 700);
    return refusedThenServing(
        pair,
        tooLarge,
        Status.Code.RESOURCE_EXHAUSTED,
        "a 5.6 MB request against the server's 4 MiB limit");
  }

  private static Mismatch refusedThenServing(
      Pair pair, RunCallRequest call, Status.Code code, String what) {
    Observation refused = Observation.of(pair.call(call), pair.clientContract(), Optional.empty());
    Mismatch mismatch = ExpectationCheck.check(Expectation.code(code), refused).in(what);
    return mismatch.and(
        Calls.expect(
                pair,
                add(1, 1).build(),
                pair.serverInstance().networkTarget(),
                Expectation.ok(result(2)))
            .in("the server still serves after " + what));
  }

  /**
   * 60 concurrent unary, server-streaming and bidi calls on one channel, each with its own answer.
   */
  private static Mismatch multiplexing(Pair pair) {
    List<RunCallRequest> calls = new ArrayList<>();
    List<Expectation> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      switch (i % 3) {
        case 0 -> {
          calls.add(calculate(Operation.OPERATION_MULTIPLY, i, i).build());
          expected.add(Expectation.ok(result((long) i * i)));
        }
        case 1 -> {
          calls.add(factorize(12, Duration.ofMillis(10)).build());
          expected.add(Expectation.ok(factor(2), factor(2), factor(3)));
        }
        default -> {
          calls.add(runningAverage(i, i + 2).build());
          expected.add(Expectation.ok(average(1, i), average(2, i + 1)));
        }
      }
    }
    List<RunCallResponse> results = pair.callAll(calls);
    if (results.size() != calls.size()) {
      return Mismatch.of(
          "results of 60 concurrent calls on one channel", "60", Integer.toString(results.size()));
    }
    Mismatch all = Mismatch.NONE;
    for (int i = 0; i < results.size(); i++) {
      Observation observed =
          Observation.of(results.get(i), pair.clientContract(), Optional.empty());
      all =
          all.and(
              ExpectationCheck.check(expected.get(i), observed)
                  .in("concurrent call " + i + " of 60"));
    }
    return all;
  }

  private static RunCallRequest raw(String method, byte[] bytes, int repeat) {
    return Calls.call(method)
        .setRaw(true)
        .setRawRepeat(repeat)
        .addRequests(Any.newBuilder().setValue(ByteString.copyFrom(bytes)))
        .build();
  }

  private static Message factor(long factor) {
    return FactorizeResponse.newBuilder().setFactor(factor).build();
  }

  private static Message average(long count, double average) {
    return RunningAverageResponse.newBuilder().setCount(count).setAverage(average).build();
  }
}
