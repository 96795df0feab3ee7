package dev.grpcinterop.service;

import static dev.grpcinterop.calculator.v1.Operation.OPERATION_ADD;
import static dev.grpcinterop.calculator.v1.Operation.OPERATION_DIVIDE;
import static dev.grpcinterop.calculator.v1.Operation.OPERATION_MULTIPLY;
import static dev.grpcinterop.calculator.v1.Operation.OPERATION_SUBTRACT;
import static dev.grpcinterop.client.CalculatorClient.integer;
import static dev.grpcinterop.client.CalculatorClient.real;
import static dev.grpcinterop.service.RichErrorAssert.assertError;
import static dev.grpcinterop.service.RichErrorAssert.assertFieldError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.client.CalculatorClient;
import io.grpc.Status.Code;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CalculateTest {
  private InProcessCalculator calculator;
  private CalculatorClient client;

  @BeforeEach
  void start() throws Exception {
    calculator = new InProcessCalculator();
    client = calculator.client();
  }

  @AfterEach
  void stop() throws Exception {
    calculator.close();
  }

  @Test
  void integerArithmeticIsExact() {
    assertThat(client.calculate(OPERATION_ADD, integer(Long.MAX_VALUE - 1), integer(1)))
        .isEqualTo(integer(Long.MAX_VALUE));
    assertThat(client.calculate(OPERATION_SUBTRACT, integer(Long.MIN_VALUE + 1), integer(1)))
        .isEqualTo(integer(Long.MIN_VALUE));
    assertThat(
            client.calculate(OPERATION_MULTIPLY, integer(-3_037_000_499L), integer(3_037_000_499L)))
        .isEqualTo(integer(-9_223_372_030_926_249_001L));
  }

  @Test
  void integerDivisionTruncatesTowardZero() {
    assertThat(client.calculate(OPERATION_DIVIDE, integer(7), integer(-2))).isEqualTo(integer(-3));
    assertThat(client.calculate(OPERATION_DIVIDE, integer(-7), integer(2))).isEqualTo(integer(-3));
    assertThat(client.calculate(OPERATION_DIVIDE, integer(-7), integer(-2))).isEqualTo(integer(3));
  }

  @Test
  void anyRealOperandMakesTheResultReal() {
    assertThat(client.calculate(OPERATION_DIVIDE, integer(7), real(2.0))).isEqualTo(real(3.5));
    assertThat(client.calculate(OPERATION_ADD, real(0.1), real(0.2))).isEqualTo(real(0.1 + 0.2));
    // 2^53 + 1 is not a double: the integer operand is converted first, as in every language.
    assertThat(client.calculate(OPERATION_ADD, integer(9_007_199_254_740_993L), real(0.0)))
        .isEqualTo(real(9_007_199_254_740_992.0));
  }

  @Test
  void realsFollowIeee754() {
    assertThat(
            client
                .calculate(
                    OPERATION_SUBTRACT,
                    real(Double.POSITIVE_INFINITY),
                    real(Double.POSITIVE_INFINITY))
                .getReal())
        .isNaN();
    assertThat(client.calculate(OPERATION_MULTIPLY, real(Double.NaN), integer(0)).getReal())
        .isNaN();
    assertThat(client.calculate(OPERATION_MULTIPLY, real(-0.0), integer(5)).getReal())
        .isEqualTo(-0.0)
        .matches(v -> Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(-0.0), "is -0.0");
    assertThat(client.calculate(OPERATION_MULTIPLY, real(Double.MAX_VALUE), real(2.0)))
        .isEqualTo(real(Double.POSITIVE_INFINITY));
  }

  @Test
  void integerOverflowIsOutOfRangeWithoutDetails() {
    var overflow =
        assertError(
            () -> client.calculate(OPERATION_ADD, integer(Long.MAX_VALUE), integer(1)),
            Code.OUT_OF_RANGE,
            "integer overflow");
    assertThat(overflow.getDetailsList()).isEmpty();
    assertError(
        () -> client.calculate(OPERATION_SUBTRACT, integer(Long.MIN_VALUE), integer(1)),
        Code.OUT_OF_RANGE,
        "integer overflow");
    assertError(
        () -> client.calculate(OPERATION_MULTIPLY, integer(Long.MAX_VALUE), integer(2)),
        Code.OUT_OF_RANGE,
        "integer overflow");
    assertError(
        () -> client.calculate(OPERATION_DIVIDE, integer(Long.MIN_VALUE), integer(-1)),
        Code.OUT_OF_RANGE,
        "integer overflow");
  }

  @Test
  void divisionByAnyZeroIsInvalid() throws Exception {
    for (Number zero : new Number[] {integer(0), real(0.0), real(-0.0)}) {
      assertFieldError(
          () -> client.calculate(OPERATION_DIVIDE, real(1.5), zero),
          Code.INVALID_ARGUMENT,
          "division by zero",
          "right",
          "must not be zero");
    }
  }

  @Test
  void missingPartsAreReportedInContractOrder() throws Exception {
    var stub =
        CalculatorServiceGrpc.newBlockingStub(calculator.channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS);
    assertFieldError(
        () -> stub.calculate(CalculateRequest.getDefaultInstance()),
        Code.INVALID_ARGUMENT,
        "operation is required",
        "operation",
        "is required");
    assertFieldError(
        () -> stub.calculate(CalculateRequest.newBuilder().setOperationValue(99).build()),
        Code.INVALID_ARGUMENT,
        "unknown operation 99",
        "operation",
        "unknown value 99");
    assertFieldError(
        () ->
            stub.calculate(
                CalculateRequest.newBuilder()
                    .setOperation(OPERATION_ADD)
                    .setRight(integer(1))
                    .build()),
        Code.INVALID_ARGUMENT,
        "left operand is required",
        "left",
        "is required");
    assertFieldError(
        () ->
            stub.calculate(
                CalculateRequest.newBuilder()
                    .setOperation(OPERATION_ADD)
                    .setLeft(integer(1))
                    .setRight(Number.getDefaultInstance())
                    .build()),
        Code.INVALID_ARGUMENT,
        "right operand is required",
        "right",
        "is required");
  }
}
