package dev.grpcinterop.client;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.FactorizeResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.calculator.v1.StatisticsResponse;
import dev.grpcinterop.calculator.v1.SumRequest;
import dev.grpcinterop.calculator.v1.SumResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A typed client of calculator.v1.CalculatorService. It takes a {@link Channel}, not an address, so
 * that tests can hand it an in-process channel; every call it makes carries its deadline.
 *
 * <p>The blocking methods throw {@link io.grpc.StatusRuntimeException} with the server's status;
 * {@link io.grpc.protobuf.StatusProto#fromThrowable} gives its rich details.
 */
public final class CalculatorClient {
  private final CalculatorServiceGrpc.CalculatorServiceBlockingStub blocking;
  private final CalculatorServiceGrpc.CalculatorServiceFutureStub future;
  private final CalculatorServiceGrpc.CalculatorServiceStub async;
  private final Duration deadline;

  public CalculatorClient(Channel channel, Duration deadline) {
    this.blocking = CalculatorServiceGrpc.newBlockingStub(channel);
    this.future = CalculatorServiceGrpc.newFutureStub(channel);
    this.async = CalculatorServiceGrpc.newStub(channel);
    this.deadline = deadline;
  }

  public Number calculate(Operation operation, Number left, Number right) {
    return blockingStub().calculate(calculation(operation, left, right)).getResult();
  }

  public ListenableFuture<CalculateResponse> calculateAsync(
      Operation operation, Number left, Number right) {
    return future
        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .calculate(calculation(operation, left, right));
  }

  /** The prime factors of {@code number}; the server waits {@code interval} before each one. */
  public List<Long> factorize(long number, Duration interval) {
    var request =
        FactorizeRequest.newBuilder()
            .setNumber(number)
            .setInterval(Durations.fromNanos(interval.toNanos()))
            .build();
    List<Long> factors = new ArrayList<>();
    blockingStub().factorize(request).forEachRemaining(r -> factors.add(r.getFactor()));
    return factors;
  }

  public void factorizeAsync(FactorizeRequest request, StreamObserver<FactorizeResponse> factors) {
    asyncStub().factorize(request, factors);
  }

  /** The sum of {@code values}, sent as a client stream. */
  public SumResponse sum(List<Number> values) {
    var answer = new UnaryAnswer<SumResponse>();
    StreamObserver<SumRequest> requests = asyncStub().sum(answer);
    for (Number value : values) {
      requests.onNext(SumRequest.newBuilder().setValue(value).build());
    }
    requests.onCompleted();
    return answer.await(deadline);
  }

  /** Starts a running average: each value sent to the returned observer is answered at once. */
  public StreamObserver<RunningAverageRequest> runningAverage(
      StreamObserver<RunningAverageResponse> averages) {
    return asyncStub().runningAverage(averages);
  }

  public StatisticsResponse statistics(List<Double> values, boolean includeSorted) {
    return blockingStub()
        .statistics(
            StatisticsRequest.newBuilder()
                .addAllValues(values)
                .setIncludeSorted(includeSorted)
                .build());
  }

  public static Number integer(long value) {
    return Number.newBuilder().setInteger(value).build();
  }

  public static Number real(double value) {
    return Number.newBuilder().setReal(value).build();
  }

  private static CalculateRequest calculation(Operation operation, Number left, Number right) {
    return CalculateRequest.newBuilder()
        .setOperation(operation)
        .setLeft(left)
        .setRight(right)
        .build();
  }

  private CalculatorServiceGrpc.CalculatorServiceBlockingStub blockingStub() {
    return blocking.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  private CalculatorServiceGrpc.CalculatorServiceStub asyncStub() {
    return async.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }
}
