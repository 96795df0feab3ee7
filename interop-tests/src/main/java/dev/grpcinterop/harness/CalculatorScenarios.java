package dev.grpcinterop.harness;

import static dev.grpcinterop.client.CalculatorClient.integer;
import static dev.grpcinterop.client.CalculatorClient.real;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.calculator.v1.SumRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.DoubleStream;

/**
 * Every calculator RPC and every error path of calculator.proto, as data. Each scenario runs
 * against the Java server to learn the expected outcome, then against every other server and from
 * every other client, which must observe the same.
 */
public final class CalculatorScenarios {
  private static final String SERVICE = "calculator.v1.CalculatorService/";
  private static final String CALCULATE = SERVICE + "Calculate";
  private static final String FACTORIZE = SERVICE + "Factorize";
  private static final String SUM = SERVICE + "Sum";
  private static final String RUNNING_AVERAGE = SERVICE + "RunningAverage";
  private static final String STATISTICS = SERVICE + "Statistics";

  private CalculatorScenarios() {}

  public static List<Scenario> all() {
    return List.of(
        calculate("add_integers", Operation.OPERATION_ADD, integer(40), integer(2)),
        calculate("add_int64_max", Operation.OPERATION_ADD, integer(Long.MAX_VALUE - 1), integer(1)),
        calculate("subtract_int64_min", Operation.OPERATION_SUBTRACT, integer(Long.MIN_VALUE + 1), integer(1)),
        calculate("multiply_large_integers", Operation.OPERATION_MULTIPLY, integer(3_037_000_499L), integer(-3_037_000_499L)),
        calculate("divide_truncates_toward_zero", Operation.OPERATION_DIVIDE, integer(-7), integer(2)),
        calculate("divide_mixed_is_real", Operation.OPERATION_DIVIDE, integer(7), real(2)),
        calculate("add_converts_beyond_2_53", Operation.OPERATION_ADD, integer(9_007_199_254_740_993L), real(0)),
        calculate("infinity_minus_infinity_is_nan", Operation.OPERATION_SUBTRACT, real(Double.POSITIVE_INFINITY), real(Double.POSITIVE_INFINITY)),
        calculate("negative_zero_survives", Operation.OPERATION_MULTIPLY, real(-0.0), integer(3)),
        calculate("real_overflow_is_infinity", Operation.OPERATION_MULTIPLY, real(Double.MAX_VALUE), real(2)),
        calculate("integer_overflow", Operation.OPERATION_ADD, integer(Long.MAX_VALUE), integer(1)),
        calculate("int64_min_divided_by_minus_one", Operation.OPERATION_DIVIDE, integer(Long.MIN_VALUE), integer(-1)),
        calculate("divide_by_integer_zero", Operation.OPERATION_DIVIDE, integer(1), integer(0)),
        calculate("divide_by_negative_zero", Operation.OPERATION_DIVIDE, real(1.5), real(-0.0)),
        Scenario.named("operation_required", CALCULATE).request(CalculateRequest.getDefaultInstance()).build(),
        Scenario.named("unknown_operation", CALCULATE)
            .request(CalculateRequest.newBuilder().setOperationValue(99).setLeft(integer(1)).setRight(integer(1)).build())
            .build(),
        Scenario.named("left_operand_required", CALCULATE)
            .request(CalculateRequest.newBuilder().setOperation(Operation.OPERATION_ADD).setRight(integer(1)).build())
            .build(),
        Scenario.named("right_operand_required", CALCULATE)
            .request(CalculateRequest.newBuilder().setOperation(Operation.OPERATION_ADD).setLeft(integer(1))
                .setRight(Number.getDefaultInstance()).build())
            .build(),
        Scenario.named("echo_metadata", CALCULATE)
            .request(addition(1, 2))
            .metadata("x-grpc-test-echo-initial", "test_initial_metadata_value")
            .metadata("x-grpc-test-echo-trailing-bin", new byte[] {(byte) 0xab, (byte) 0xab, (byte) 0xab})
            .build(),
        Scenario.named("gzip_request", CALCULATE).request(addition(20, 22)).gzip().build(),
        factorize("factorize", 360, Duration.ZERO).build(),
        factorize("factorize_large_prime", 999_999_999_989L, Duration.ZERO).build(),
        factorize("factorize_one_is_empty_stream", 1, Duration.ZERO).build(),
        factorize("factorize_zero", 0, Duration.ZERO).build(),
        factorize("factorize_interval_too_long", 12, Duration.ofSeconds(11)).build(),
        factorize("factorize_cancel_after_first_response", 1024, Duration.ofMillis(100))
            .cancelAfterResponses(1)
            .build(),
        factorize("factorize_cancel_after_begin", 1024, Duration.ofMillis(100)).cancelAfterBegin().build(),
        factorize("factorize_deadline_exceeded", 1024, Duration.ofSeconds(2))
            .timeout(Duration.ofMillis(500))
            .libraryMessage()
            .build(),
        sum("sum_integers", integer(Long.MAX_VALUE), integer(-1), integer(1)),
        sum("sum_mixed_is_real", integer(1), real(0.5), integer(2)),
        sum("sum_empty_stream"),
        sum("sum_partial_overflow", integer(Long.MAX_VALUE), integer(1), integer(-1)),
        sum("sum_value_required", integer(1), Number.getDefaultInstance()),
        Scenario.named("running_average_ping_pong", RUNNING_AVERAGE)
            .request(average(4), average(8), average(0), average(-4))
            .pingPong()
            .build(),
        Scenario.named("running_average_all_then_half_close", RUNNING_AVERAGE)
            .request(average(1), average(2), average(Double.POSITIVE_INFINITY))
            .build(),
        Scenario.named("running_average_empty_stream", RUNNING_AVERAGE).build(),
        Scenario.named("statistics_sorted_with_negative_zero", STATISTICS)
            .request(StatisticsRequest.newBuilder().addAllValues(List.of(3.0, 0.0, -0.0, -1.5, Double.NEGATIVE_INFINITY)).setIncludeSorted(true).build())
            .build(),
        Scenario.named("statistics_empty", STATISTICS).request(StatisticsRequest.getDefaultInstance()).build(),
        Scenario.named("statistics_nan", STATISTICS)
            .request(StatisticsRequest.newBuilder().addValues(1).addValues(Double.NaN).build())
            .build(),
        Scenario.named("statistics_large_message", STATISTICS)
            .request(
                StatisticsRequest.newBuilder()
                    .addAllValues(DoubleStream.iterate(0.5, v -> v + 1.25).limit(200_000).boxed().toList())
                    .setIncludeSorted(true)
                    .build())
            .build());
  }

  private static Scenario calculate(String name, Operation operation, Number left, Number right) {
    return Scenario.named(name, CALCULATE)
        .request(CalculateRequest.newBuilder().setOperation(operation).setLeft(left).setRight(right).build())
        .build();
  }

  private static CalculateRequest addition(long a, long b) {
    return CalculateRequest.newBuilder()
        .setOperation(Operation.OPERATION_ADD)
        .setLeft(integer(a))
        .setRight(integer(b))
        .build();
  }

  private static Scenario.Builder factorize(String name, long number, Duration interval) {
    return Scenario.named(name, FACTORIZE)
        .request(
            FactorizeRequest.newBuilder()
                .setNumber(number)
                .setInterval(Durations.fromNanos(interval.toNanos()))
                .build());
  }

  private static Scenario sum(String name, Number... values) {
    var scenario = Scenario.named(name, SUM);
    for (Number value : values) {
      scenario.request(SumRequest.newBuilder().setValue(value).build());
    }
    return scenario.build();
  }

  private static RunningAverageRequest average(double value) {
    return RunningAverageRequest.newBuilder().setValue(value).build();
  }
}
