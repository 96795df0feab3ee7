package dev.grpcinterop.peer;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunLoadRequest;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * RunLoad: the calls a {@link RunLoadRequest} describes, made over and over in closed loop on
 * channels made for the load, measured after a warm-up. The calls are checked as RunCall checks
 * them; what a load adds is checked after, in the order of peer_control.proto.
 */
final class LoadRunner {
  private final CallRunner calls;
  private final BiFunction<String, ChannelConfig, ManagedChannel> newChannels;

  /**
   * @param newChannels a new channel, on a connection of its own, for a target and configuration;
   *     the load shuts it down
   */
  LoadRunner(CallRunner calls, BiFunction<String, ChannelConfig, ManagedChannel> newChannels) {
    this.calls = calls;
    this.newChannels = newChannels;
  }

  RunLoadResponse run(RunLoadRequest request) throws InterruptedException {
    RunCallRequest description = request.getCall();
    CallRunner.Described call = calls.describe(description);
    if (description.hasCancel() || description.getRaw()) {
      throw CallRunner.invalid("load calls cannot be cancelled or raw");
    }
    if (request.getConcurrency() == 0) {
      throw CallRunner.invalid("concurrency must be at least 1");
    }
    boolean byDuration = request.getUntilCase() == RunLoadRequest.UntilCase.DURATION;
    if (request.getUntilCase() == RunLoadRequest.UntilCase.UNTIL_NOT_SET
        || (byDuration && Durations.toNanos(request.getDuration()) <= 0)
        || (!byDuration && request.getCalls() == 0)) {
      throw CallRunner.invalid("duration or calls is required");
    }
    int channelCount = Math.max(1, request.getChannels());
    if (channelCount > request.getConcurrency()) {
      throw CallRunner.invalid("channels must not exceed concurrency");
    }
    boolean pingPong =
        description.getPingPong() && call.method().getType() == MethodType.BIDI_STREAMING;
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < channelCount; i++) {
        channels.add(newChannels.apply(description.getTarget(), description.getChannel()));
      }
      long connectBy = System.nanoTime() + call.timeoutNanos();
      for (ManagedChannel channel : channels) {
        awaitReady(channel, connectBy);
      }
      var load =
          new Load(
              call,
              pingPong,
              Durations.toNanos(request.getWarmup()),
              byDuration ? Durations.toNanos(request.getDuration()) : 0,
              byDuration ? 0 : request.getCalls());
      // The harness giving up on RunLoad ends the load too: no call is started after that.
      Context.current().addListener(cancelled -> load.stop(), Runnable::run);
      return load.run(request.getConcurrency(), channels);
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
      }
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Connects before the warm-up; a channel that cannot connect in time fails its calls instead. */
  private static void awaitReady(ManagedChannel channel, long byNanos) throws InterruptedException {
    ConnectivityState state = channel.getState(true);
    while (state != ConnectivityState.READY) {
      long left = byNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      var changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      if (!changed.await(left, TimeUnit.NANOSECONDS)) {
        return;
      }
      state = channel.getState(true);
    }
  }
}
