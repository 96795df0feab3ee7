package dev.grpcinterop.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RangeRequest;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.HistogramBucket;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunLoadRequest;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import dev.grpcinterop.interop.v1.StatusCount;
import dev.grpcinterop.service.CalculatorServer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RunLoad of the Java peer, against its own server on a real port, over real connections. */
class LoadRunnerTest {
  private static final String CALCULATE = "calculator.v1.CalculatorService/Calculate";

  private CalculatorServer server;
  private ManagedChannel channel;
  private PeerControlServiceGrpc.PeerControlServiceBlockingStub control;

  @BeforeEach
  void start() throws Exception {
    server = JavaPeer.server().start(0);
    channel =
        Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create())
            .build();
    control = PeerControlServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  private RunLoadResponse load(RunLoadRequest request) {
    return control.withDeadlineAfter(10, TimeUnit.SECONDS).runLoad(request);
  }

  private RunCallRequest.Builder call(String method, com.google.protobuf.Message... requests) {
    var call =
        RunCallRequest.newBuilder()
            .setTarget("localhost:" + server.port())
            .setMethod(method)
            .setTimeout(Durations.fromSeconds(5));
    for (var request : requests) {
      call.addRequests(Any.pack(request));
    }
    return call;
  }

  private static CalculateRequest addition() {
    return CalculateRequest.newBuilder()
        .setOperation(Operation.OPERATION_ADD)
        .setLeft(Number.newBuilder().setInteger(2))
        .setRight(Number.newBuilder().setInteger(3))
        .build();
  }

  private RunLoadRequest.Builder unaryLoad() {
    return RunLoadRequest.newBuilder()
        .setCall(call(CALCULATE, addition()))
        .setConcurrency(4)
        .setChannels(2)
        .setWarmup(Durations.fromMillis(50))
        .setDuration(Durations.fromMillis(200));
  }

  @Test
  void aUnaryLoadCountsEveryCallThatEndedInTheMeasuredPeriod() {
    RunLoadResponse load = load(unaryLoad().build());

    assertThat(load.getCalls()).isPositive();
    assertThat(load.getStatusesList())
        .containsExactly(StatusCount.newBuilder().setCode(0).setCount(load.getCalls()).build());
    assertThat(load.hasFirstFailure()).isFalse();
    var latency = load.getLatency();
    assertThat(latency.getCount()).isEqualTo(load.getCalls());
    assertThat(latency.getBucketsList().stream().mapToLong(HistogramBucket::getCount).sum())
        .isEqualTo(latency.getCount());
    assertThat(latency.getBucketsList().stream().mapToInt(HistogramBucket::getIndex))
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(latency.getMinNanos()).isPositive().isLessThanOrEqualTo(latency.getMaxNanos());
    assertThat(latency.getSumNanos()).isGreaterThanOrEqualTo(latency.getMaxNanos());
    assertThat(LatencyHistogram.index(latency.getMinNanos()))
        .isEqualTo(latency.getBuckets(0).getIndex());
    assertThat(load.getMessagesSent()).isEqualTo(load.getCalls());
    assertThat(load.getMessagesReceived()).isEqualTo(load.getCalls());
    assertThat(load.getBytesSent()).isEqualTo(load.getCalls() * addition().getSerializedSize());
    assertThat(load.getBytesReceived()).isPositive();
    assertThat(Durations.toMillis(load.getElapsed())).isBetween(100L, 1_000L);
    assertThat(Durations.toNanos(load.getCpuTime())).isPositive();
  }

  @Test
  void aLoadOfSomeCallsEndsAfterExactlyThatMany() {
    RunLoadResponse load = load(unaryLoad().setCalls(250).build());

    assertThat(load.getCalls()).isEqualTo(250);
    assertThat(load.getLatency().getCount()).isEqualTo(250);
  }

  @Test
  void aServerStreamingLoadReadsEveryMessage() {
    RunLoadResponse load =
        load(
            unaryLoad()
                .setCall(
                    call(
                        "calculator.v1.CalculatorService/Range",
                        RangeRequest.newBuilder().setStart(1).setCount(100).build()))
                .build());

    assertThat(load.getCalls()).isPositive();
    assertThat(load.getMessagesReceived()).isEqualTo(load.getCalls() * 100);
    assertThat(load.getLatency().getCount()).isEqualTo(load.getCalls());
  }

  @Test
  void aLoadOfLargeMessagesMovesThemBothWays() {
    var values =
        dev.grpcinterop.calculator.v1.StatisticsRequest.newBuilder().setIncludeSorted(true);
    IntStream.range(0, 131_072).forEach(v -> values.addValues(v));
    RunLoadResponse load =
        load(
            unaryLoad()
                .setCall(call("calculator.v1.CalculatorService/Statistics", values.build()))
                .setConcurrency(1)
                .setChannels(1)
                .setCalls(3)
                .build());

    assertThat(load.getCalls()).isEqualTo(3);
    assertThat(load.getStatusesList()).extracting(StatusCount::getCode).containsExactly(0);
    assertThat(load.getBytesReceived()).isGreaterThan(3 * 1_000_000L);
  }

  @Test
  void aPingPongLoadTimesEachRoundTrip() {
    var values =
        IntStream.range(0, 10)
            .mapToObj(v -> RunningAverageRequest.newBuilder().setValue(v).build())
            .toArray(RunningAverageRequest[]::new);
    RunLoadResponse load =
        load(
            unaryLoad()
                .setCall(
                    call("calculator.v1.CalculatorService/RunningAverage", values)
                        .setPingPong(true))
                // Without a warm-up every round trip of a counted call is in the period.
                .clearWarmup()
                .setCalls(40)
                .build());

    assertThat(load.getCalls()).isEqualTo(40);
    assertThat(load.getMessagesSent()).isEqualTo(400);
    assertThat(load.getMessagesReceived()).isEqualTo(400);
    // Round trips of the calls still in flight when the period ended count too.
    assertThat(load.getLatency().getCount()).isBetween(400L, 400L + 4 * 10);
  }

  @Test
  void failedCallsAreCountedByStatusWithTheFirstFailure() {
    RunLoadResponse load =
        load(unaryLoad().setCall(call(CALCULATE, CalculateRequest.getDefaultInstance())).build());

    assertThat(load.getStatusesList())
        .containsExactly(
            StatusCount.newBuilder()
                .setCode(Status.Code.INVALID_ARGUMENT.value())
                .setCount(load.getCalls())
                .build());
    assertThat(load.getFirstFailure().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(load.getFirstFailure().getMessage()).isEqualTo("operation is required");
    assertThat(load.getFirstFailure().getDetails().isEmpty()).isFalse();
    assertThat(load.getLatency().getCount()).isZero();
  }

  @Test
  void refusesWhatALoadCannotBeInTheRulebooksOrder() {
    assertRefused(r -> r.setCall(r.getCall().toBuilder().clearTarget()), "target is required");
    assertRefused(
        r ->
            r.setCall(
                r.getCall().toBuilder().setCancel(Cancellation.newBuilder().setAfterBegin(true))),
        "load calls cannot be cancelled or raw");
    assertRefused(r -> r.setConcurrency(0), "concurrency must be at least 1");
    assertRefused(RunLoadRequest.Builder::clearUntil, "duration or calls is required");
    assertRefused(r -> r.setCalls(0), "duration or calls is required");
    assertRefused(r -> r.setChannels(5), "channels must not exceed concurrency");
    assertThat(load(unaryLoad().build()).getCalls()).as("still serving").isPositive();
  }

  private void assertRefused(UnaryOperator<RunLoadRequest.Builder> spoil, String phrase) {
    var refused =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> load(spoil.apply(unaryLoad()).build()));
    assertThat(refused).as("refused for \"%s\"", phrase).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).contains(phrase);
  }
}
