package dev.grpcinterop.harness.cases.procedures;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.harness.cases.Expectation;
import dev.grpcinterop.harness.cases.ExpectationCheck;
import dev.grpcinterop.harness.cases.Mismatch;
import dev.grpcinterop.harness.cases.Observation;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The calculator calls the procedures make, and the one way they judge one: the same check as a
 * data case's. Procedures are the built-in contract's, so they use its generated messages.
 */
final class Calls {
  static final String CALCULATE = "calculator.v1.CalculatorService/Calculate";
  static final String FACTORIZE = "calculator.v1.CalculatorService/Factorize";
  static final String RUNNING_AVERAGE = "calculator.v1.CalculatorService/RunningAverage";
  static final String STATISTICS = "calculator.v1.CalculatorService/Statistics";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Calls() {}

  static RunCallRequest.Builder call(String method, Message... requests) {
    var call =
        RunCallRequest.newBuilder()
            .setMethod(method)
            .setTimeout(Durations.fromNanos(TIMEOUT.toNanos()));
    for (Message request : requests) {
      call.addRequests(Any.pack(request));
    }
    return call;
  }

  static RunCallRequest.Builder calculate(Operation operation, long left, long right) {
    return call(
        CALCULATE,
        CalculateRequest.newBuilder()
            .setOperation(operation)
            .setLeft(integer(left))
            .setRight(integer(right))
            .build());
  }

  static RunCallRequest.Builder add(long left, long right) {
    return calculate(Operation.OPERATION_ADD, left, right);
  }

  static RunCallRequest.Builder factorize(long number, Duration interval) {
    return call(
        FACTORIZE,
        FactorizeRequest.newBuilder()
            .setNumber(number)
            .setInterval(Durations.fromNanos(interval.toNanos()))
            .build());
  }

  static RunCallRequest.Builder runningAverage(double... values) {
    var call = call(RUNNING_AVERAGE);
    for (double value : values) {
      call.addRequests(Any.pack(RunningAverageRequest.newBuilder().setValue(value).build()));
    }
    return call;
  }

  static Number integer(long value) {
    return Number.newBuilder().setInteger(value).build();
  }

  static CalculateResponse result(long value) {
    return CalculateResponse.newBuilder().setResult(integer(value)).build();
  }

  static RunCallRequest timeout(RunCallRequest.Builder call, Duration timeout) {
    return call.setTimeout(Durations.fromNanos(timeout.toNanos())).build();
  }

  static RunCallRequest over(RunCallRequest.Builder call, ChannelConfig channel) {
    return call.setChannel(channel).build();
  }

  /** The client makes the call to {@code target}; how it went, against the expectation. */
  static Mismatch expect(Cell pair, RunCallRequest call, String target, Expectation expected) {
    return ExpectationCheck.check(expected, observe(pair, call, target, Optional.empty()));
  }

  static Observation observe(
      Cell pair, RunCallRequest call, String target, Optional<Descriptor> rawResponseType) {
    RunCallResponse reported = pair.call(call, target);
    return Observation.of(reported, pair.clientContract(), rawResponseType);
  }
}
