package dev.grpcinterop.service;

import com.google.protobuf.Duration;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.CalculatorServiceGrpc;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.FactorizeResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.RangeRequest;
import dev.grpcinterop.calculator.v1.RangeResponse;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.calculator.v1.StatisticsResponse;
import dev.grpcinterop.calculator.v1.SumRequest;
import dev.grpcinterop.calculator.v1.SumResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The Java implementation of calculator.v1.CalculatorService; the semantics are in the proto. */
public final class CalculatorService extends CalculatorServiceGrpc.CalculatorServiceImplBase {
  private static final long MAX_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ScheduledExecutorService pacer;

  /**
   * @param pacer paces Factorize's stream without holding a thread while it waits
   */
  public CalculatorService(ScheduledExecutorService pacer) {
    this.pacer = pacer;
  }

  @Override
  public void calculate(CalculateRequest request, StreamObserver<CalculateResponse> responses) {
    try {
      Number result = Arithmetic.calculate(request);
      responses.onNext(CalculateResponse.newBuilder().setResult(result).build());
      responses.onCompleted();
    } catch (CalculatorError error) {
      responses.onError(error.toStatusRuntimeException());
    }
  }

  @Override
  public void factorize(FactorizeRequest request, StreamObserver<FactorizeResponse> responses) {
    List<Long> factors;
    long intervalNanos;
    try {
      // The number first: the contract answers a request with both out of range about the number.
      factors = Factorization.primeFactors(request.getNumber());
      intervalNanos = intervalNanos(request);
    } catch (CalculatorError error) {
      responses.onError(error.toStatusRuntimeException());
      return;
    }
    var call = (ServerCallStreamObserver<FactorizeResponse>) responses;
    new PacedStream(call, factors.iterator(), intervalNanos).sendNext();
  }

  private static long intervalNanos(FactorizeRequest request) {
    Duration interval = request.getInterval();
    long nanos;
    try {
      nanos =
          Math.addExact(
              Math.multiplyExact(interval.getSeconds(), 1_000_000_000L), interval.getNanos());
    } catch (ArithmeticException tooLarge) {
      nanos = Long.MAX_VALUE;
    }
    if (nanos < 0 || nanos > MAX_INTERVAL_NANOS) {
      throw CalculatorError.invalidArgument(
          "interval must be between 0s and 10s", "interval", "out of range");
    }
    return nanos;
  }

  /**
   * Sends one factor per interval from the pacer's thread, and stops once the call is cancelled.
   */
  private final class PacedStream {
    private final ServerCallStreamObserver<FactorizeResponse> call;
    private final Iterator<Long> factors;
    private final long intervalNanos;

    PacedStream(
        ServerCallStreamObserver<FactorizeResponse> call, Iterator<Long> factors, long nanos) {
      this.call = call;
      this.factors = factors;
      this.intervalNanos = nanos;
      call.setOnCancelHandler(() -> {});
    }

    void sendNext() {
      if (call.isCancelled()) {
        return;
      }
      if (!factors.hasNext()) {
        call.onCompleted();
        return;
      }
      if (intervalNanos == 0) {
        sendFactor();
        return;
      }
      pacer.schedule(this::sendFactor, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void sendFactor() {
      if (call.isCancelled()) {
        return;
      }
      call.onNext(FactorizeResponse.newBuilder().setFactor(factors.next()).build());
      sendNext();
    }
  }

  @Override
  public StreamObserver<SumRequest> sum(StreamObserver<SumResponse> responses) {
    return new StreamObserver<>() {
      private final List<Number> values = new ArrayList<>();
      private boolean failed;

      @Override
      public void onNext(SumRequest request) {
        if (failed) {
          return;
        }
        if (request.getValue().getValueCase() == Number.ValueCase.VALUE_NOT_SET) {
          failed = true;
          responses.onError(
              CalculatorError.invalidArgument("value is required", "value", "is required")
                  .toStatusRuntimeException());
          return;
        }
        values.add(request.getValue());
      }

      @Override
      public void onError(Throwable cancelled) {
        // The client went away; there is nobody to answer.
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        try {
          Number sum = Summation.sum(values);
          responses.onNext(SumResponse.newBuilder().setCount(values.size()).setSum(sum).build());
          responses.onCompleted();
        } catch (CalculatorError error) {
          responses.onError(error.toStatusRuntimeException());
        }
      }
    };
  }

  @Override
  public StreamObserver<RunningAverageRequest> runningAverage(
      StreamObserver<RunningAverageResponse> responses) {
    return new StreamObserver<>() {
      private long count;
      private double sum;

      @Override
      public void onNext(RunningAverageRequest request) {
        count++;
        sum += request.getValue();
        responses.onNext(
            RunningAverageResponse.newBuilder().setCount(count).setAverage(sum / count).build());
      }

      @Override
      public void onError(Throwable cancelled) {
        // The client went away; there is nobody to answer.
      }

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }

  @Override
  public void statistics(StatisticsRequest request, StreamObserver<StatisticsResponse> responses) {
    try {
      responses.onNext(Statistics.of(request));
      responses.onCompleted();
    } catch (CalculatorError error) {
      responses.onError(error.toStatusRuntimeException());
    }
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
    try {
      Ranges.check(request);
    } catch (CalculatorError error) {
      responses.onError(error.toStatusRuntimeException());
      return;
    }
    new FlowControlledRange(
            (ServerCallStreamObserver<RangeResponse>) responses,
            request.getStart(),
            request.getCount())
        .start();
  }

  /**
   * Sends the range only while the transport is ready for more (grpc-java's manual flow control),
   * so that a slow client holds back the server instead of a million messages queuing in memory.
   */
  private static final class FlowControlledRange {
    private final ServerCallStreamObserver<RangeResponse> call;
    private final long start;
    private final long count;
    private long sent;
    private boolean completed;

    FlowControlledRange(ServerCallStreamObserver<RangeResponse> call, long start, long count) {
      this.call = call;
      this.start = start;
      this.count = count;
    }

    void start() {
      call.setOnCancelHandler(() -> {});
      call.setOnReadyHandler(this::sendWhileReady);
      sendWhileReady();
    }

    private synchronized void sendWhileReady() {
      while (!completed && !call.isCancelled()) {
        if (sent == count) {
          completed = true;
          call.onCompleted();
          return;
        }
        if (!call.isReady()) {
          return;
        }
        call.onNext(RangeResponse.newBuilder().setValue(start + sent).build());
        sent++;
      }
    }
  }
}
