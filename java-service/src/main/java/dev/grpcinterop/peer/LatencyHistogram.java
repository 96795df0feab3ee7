package dev.grpcinterop.peer;

import dev.grpcinterop.interop.v1.HistogramBucket;

/**
 * Latencies in the log-linear buckets of peer_control.proto's LatencyHistogram: 1 % wide, so that
 * every language reports the same buckets for the same latencies. Not thread-safe: each load slot
 * keeps its own, merged at the end.
 */
final class LatencyHistogram {
  private static final double LOG_GROWTH = Math.log(1.01);
  private static final int BUCKETS = index(Long.MAX_VALUE) + 1;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private long min = Long.MAX_VALUE;
  private long max;
  private long sum;

  static int index(long nanos) {
    return nanos < 1 ? 0 : (int) Math.floor(Math.log(nanos) / LOG_GROWTH);
  }

  void record(long nanos) {
    counts[index(nanos)]++;
    count++;
    min = Math.min(min, nanos);
    max = Math.max(max, nanos);
    sum += nanos;
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    count += other.count;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    sum += other.sum;
  }

  long count() {
    return count;
  }

  dev.grpcinterop.interop.v1.LatencyHistogram toProto() {
    var proto =
        dev.grpcinterop.interop.v1.LatencyHistogram.newBuilder()
            .setCount(count)
            .setMinNanos(count == 0 ? 0 : min)
            .setMaxNanos(max)
            .setSumNanos(sum);
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] > 0) {
        proto.addBuckets(HistogramBucket.newBuilder().setIndex(i).setCount(counts[i]));
      }
    }
    return proto.build();
  }
}
