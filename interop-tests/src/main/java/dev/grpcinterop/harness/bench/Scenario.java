package dev.grpcinterop.harness.bench;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunLoadRequest;
import java.time.Duration;
import java.util.List;

/**
 * One load of the performance matrix, run on every client × server pair: the call, how many are in
 * flight on how many channels, and which rate it is judged by.
 *
 * @param calibrated whether ghz runs it too, to calibrate the Go peer's figures (unary methods)
 * @param requests the requests of each call, in order (for ping-pong, one round trip each)
 * @param timeout each call's deadline
 */
public record Scenario(
    String name,
    String title,
    String method,
    boolean calibrated,
    List<Message> requests,
    boolean pingPong,
    int concurrency,
    int channels,
    Duration timeout,
    Rate rate) {

  /** What a scenario's throughput counts. */
  public enum Rate {
    /** Calls per second. */
    CALLS,
    /** Response messages per second, for a stream. */
    MESSAGES
  }

  /**
   * The RunLoad of this scenario from a client to {@code target}, as long as settings say, where
   * {@code sharedBy} clients load the server at once: each gets about that share of it, so each
   * call's deadline is the scenario's that many times over.
   */
  public RunLoadRequest load(String target, BenchmarkSettings settings, int sharedBy) {
    var call =
        RunCallRequest.newBuilder()
            .setTarget(target)
            .setMethod(method)
            .setPingPong(pingPong)
            .setTimeout(Durations.fromNanos(timeout.multipliedBy(Math.max(1, sharedBy)).toNanos()));
    requests.forEach(request -> call.addRequests(Any.pack(request)));
    var load =
        RunLoadRequest.newBuilder()
            .setCall(call)
            .setConcurrency(concurrency)
            .setChannels(channels)
            .setWarmup(Durations.fromNanos(settings.warmup().toNanos()));
    return settings.calls() > 0
        ? load.setCalls(settings.calls()).build()
        : load.setDuration(Durations.fromNanos(settings.duration().toNanos())).build();
  }
}
