package dev.grpcinterop.service;

import static dev.grpcinterop.client.CalculatorClient.integer;
import static dev.grpcinterop.client.CalculatorClient.real;
import static dev.grpcinterop.service.RichErrorAssert.assertError;
import static dev.grpcinterop.service.RichErrorAssert.assertFieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.RangeRequest;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import dev.grpcinterop.calculator.v1.StatisticsResponse;
import dev.grpcinterop.client.CalculatorClient;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamingTest {
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
  void factorizeStreamsPrimeFactorsSmallestFirst() {
    assertThat(client.factorize(360, Duration.ZERO)).containsExactly(2L, 2L, 2L, 3L, 3L, 5L);
    assertThat(client.factorize(999_999_999_989L, Duration.ZERO)).containsExactly(999_999_999_989L);
    assertThat(client.factorize(1, Duration.ZERO)).isEmpty();
  }

  @Test
  void factorizeRejectsNumbersAndIntervalsOutOfRange() throws Exception {
    for (long number : new long[] {0, -5, 1_000_000_000_001L}) {
      assertFieldError(
          () -> client.factorize(number, Duration.ZERO),
          Code.INVALID_ARGUMENT,
          "number must be between 1 and 1000000000000",
          "number",
          "out of range");
    }
    for (Duration interval : new Duration[] {Duration.ofMillis(-1), Duration.ofSeconds(10, 1)}) {
      assertFieldError(
          () -> client.factorize(12, interval),
          Code.INVALID_ARGUMENT,
          "interval must be between 0s and 10s",
          "interval",
          "out of range");
    }
  }

  @Test
  void factorizeChecksTheNumberBeforeTheInterval() throws Exception {
    assertFieldError(
        () -> client.factorize(0, Duration.ofSeconds(11)),
        Code.INVALID_ARGUMENT,
        "number must be between 1 and 1000000000000",
        "number",
        "out of range");
  }

  @Test
  void pacedFactorizeOutlivesAShortDeadline() {
    var stub =
        CalculatorServiceGrpc.newBlockingStub(calculator.channel)
            .withDeadlineAfter(200, TimeUnit.MILLISECONDS);
    var request =
        FactorizeRequest.newBuilder()
            .setNumber(1024)
            .setInterval(Durations.fromMillis(100))
            .build();
    List<Long> received = new ArrayList<>();
    var failure =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.factorize(request).forEachRemaining(f -> received.add(f.getFactor())));
    assertThat(failure.getStatus().getCode()).isEqualTo(Code.DEADLINE_EXCEEDED);
    assertThat(received).hasSizeLessThan(10).allMatch(f -> f == 2L);
  }

  @Test
  void sumIsExactForIntegersAndRealOtherwise() {
    assertThat(client.sum(List.of(integer(Long.MAX_VALUE), integer(-1), integer(1))).getSum())
        .isEqualTo(integer(Long.MAX_VALUE));
    assertThat(client.sum(List.of(integer(1), real(0.5), integer(2))).getSum())
        .isEqualTo(real(3.5));
    var empty = client.sum(List.of());
    assertThat(empty.getCount()).isZero();
    assertThat(empty.getSum()).isEqualTo(integer(0));
  }

  @Test
  void sumFailsWhenAPartialSumOverflows() {
    assertError(
        () -> client.sum(List.of(integer(Long.MAX_VALUE), integer(1), integer(-1))),
        Code.OUT_OF_RANGE,
        "integer overflow");
  }

  @Test
  void sumRejectsAMissingValue() throws Exception {
    assertFieldError(
        () -> client.sum(List.of(integer(1), Number.getDefaultInstance(), integer(2))),
        Code.INVALID_ARGUMENT,
        "value is required",
        "value",
        "is required");
  }

  @Test
  void runningAverageAnswersEachValueBeforeTheNextIsSent() throws Exception {
    var answers = new LinkedBlockingQueue<RunningAverageResponse>();
    var requests = client.runningAverage(collectInto(answers));
    double[] values = {4, 8, 0, -4};
    double[] expected = {4, 6, 4, 2};
    for (int i = 0; i < values.length; i++) {
      requests.onNext(RunningAverageRequest.newBuilder().setValue(values[i]).build());
      RunningAverageResponse answer = answers.poll(5, TimeUnit.SECONDS);
      assertThat(answer).as("answer to value %d", i).isNotNull();
      assertThat(answer.getCount()).isEqualTo(i + 1);
      assertThat(answer.getAverage()).isEqualTo(expected[i]);
    }
    requests.onCompleted();
  }

  @Test
  void statisticsOverALargeMessage() {
    List<Double> values = DoubleStream.iterate(300_000, v -> v - 1).limit(300_000).boxed().toList();
    StatisticsResponse stats = client.statistics(values, true);
    assertThat(stats.getCount()).isEqualTo(300_000);
    assertThat(stats.getSum()).isEqualTo(300_000.0 * 300_001 / 2);
    assertThat(stats.getMin()).isEqualTo(1.0);
    assertThat(stats.getMax()).isEqualTo(300_000.0);
    assertThat(stats.getMean()).isEqualTo(150_000.5);
    assertThat(stats.getSortedList()).hasSize(300_000).isSorted();
  }

  @Test
  void statisticsOrdersNegativeZeroFirstAndRejectsNaN() throws Exception {
    StatisticsResponse stats = client.statistics(List.of(0.0, -0.0), true);
    assertThat(stats.getSortedList()).containsExactly(-0.0, 0.0);
    assertThat(Double.doubleToRawLongBits(stats.getMin()))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits(stats.getMax()))
        .isEqualTo(Double.doubleToRawLongBits(0.0));
    assertThat(client.statistics(List.of(), true))
        .isEqualTo(StatisticsResponse.getDefaultInstance());
    assertFieldError(
        () -> client.statistics(List.of(1.0, Double.NaN), false),
        Code.INVALID_ARGUMENT,
        "values must not contain NaN",
        "values",
        "must not contain NaN");
  }

  @Test
  void rangeStreamsCountIntegersFromStart() {
    assertThat(range(-2, 5)).containsExactly(-2L, -1L, 0L, 1L, 2L);
    assertThat(range(Long.MAX_VALUE - 1, 2)).containsExactly(Long.MAX_VALUE - 1, Long.MAX_VALUE);
    assertThat(range(Long.MAX_VALUE, 0)).isEmpty();
    // In-process, the blocking stub asks for one message at a time: a long range is slow here only.
    assertThat(range(0, 20_000)).hasSize(20_000).endsWith(19_999L);
  }

  @Test
  void rangeRejectsCountsOutOfRangeAndOverflow() throws Exception {
    for (long count : new long[] {-1, 1_000_001}) {
      assertFieldError(
          () -> range(0, count),
          Code.INVALID_ARGUMENT,
          "count must be between 0 and 1000000",
          "count",
          "out of range");
    }
    var overflow =
        assertError(() -> range(Long.MAX_VALUE, 2), Code.OUT_OF_RANGE, "integer overflow");
    assertThat(overflow.getDetailsList()).isEmpty();
  }

  private List<Long> range(long start, long count) {
    var stub =
        CalculatorServiceGrpc.newBlockingStub(calculator.channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    List<Long> values = new ArrayList<>();
    stub.range(RangeRequest.newBuilder().setStart(start).setCount(count).build())
        .forEachRemaining(v -> values.add(v.getValue()));
    return values;
  }

  private static <T> StreamObserver<T> collectInto(LinkedBlockingQueue<T> queue) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        queue.add(value);
      }

      @Override
      public void onError(Throwable error) {}

      @Override
      public void onCompleted() {}
    };
  }
}
