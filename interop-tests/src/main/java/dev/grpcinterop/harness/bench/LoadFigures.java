package dev.grpcinterop.harness.bench;

import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import dev.grpcinterop.interop.v1.StatusCount;

/**
 * The figures of one measured round of one scenario on one pair, from what the client's peer
 * reported and the server's CPU use as the harness read it from the server's container.
 *
 * @param callsPerSecond calls that ended in the measured period, per second of it
 * @param messagesPerSecond response messages received per second
 * @param megabytesPerSecond request and response bytes (serialized) per second, in MB (10^6)
 * @param p50Micros the median latency, of a call or, in ping-pong, of a round trip
 * @param clientCpuMicrosPerCall the client process's CPU time per call
 * @param serverCpuMicrosPerCall the server container's CPU time per call; NaN when not read
 * @param failedCalls calls that did not end OK
 */
public record LoadFigures(
    long calls,
    double callsPerSecond,
    double messagesPerSecond,
    double megabytesPerSecond,
    double p50Micros,
    double p90Micros,
    double p99Micros,
    double p999Micros,
    double clientCpuMicrosPerCall,
    double serverCpuMicrosPerCall,
    long failedCalls,
    String firstFailure) {

  /**
   * @param serverCpuCores the server's CPU use over the measured period, in cores (CPU seconds per
   *     second); NaN when it could not be read
   */
  public static LoadFigures of(RunLoadResponse load, double serverCpuCores) {
    double seconds = Durations.toNanos(load.getElapsed()) / 1e9;
    long calls = load.getCalls();
    long failed =
        load.getStatusesList().stream()
            .filter(status -> status.getCode() != 0)
            .mapToLong(StatusCount::getCount)
            .sum();
    double callsPerSecond = seconds > 0 ? calls / seconds : 0;
    var latency = load.getLatency();
    String firstFailure =
        load.hasFirstFailure()
            ? "code " + load.getFirstFailure().getCode() + " " + load.getFirstFailure().getMessage()
            : "";
    return new LoadFigures(
        calls,
        callsPerSecond,
        seconds > 0 ? load.getMessagesReceived() / seconds : 0,
        seconds > 0 ? (load.getBytesSent() + load.getBytesReceived()) / seconds / 1e6 : 0,
        LatencyPercentiles.of(latency, 0.50) / 1e3,
        LatencyPercentiles.of(latency, 0.90) / 1e3,
        LatencyPercentiles.of(latency, 0.99) / 1e3,
        LatencyPercentiles.of(latency, 0.999) / 1e3,
        calls > 0 ? Durations.toNanos(load.getCpuTime()) / 1e3 / calls : Double.NaN,
        calls > 0 && callsPerSecond > 0 ? serverCpuCores * 1e6 / callsPerSecond : Double.NaN,
        failed,
        firstFailure);
  }
}
