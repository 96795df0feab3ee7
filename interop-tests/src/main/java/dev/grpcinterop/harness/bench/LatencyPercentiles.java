package dev.grpcinterop.harness.bench;

import dev.grpcinterop.interop.v1.HistogramBucket;
import dev.grpcinterop.interop.v1.LatencyHistogram;

/**
 * Percentiles of a peer's latency histogram (peer_control.proto's LatencyHistogram: buckets 1 %
 * wide). A percentile is the geometric middle of the bucket it falls in, kept within the smallest
 * and largest latency seen, so it is right within half a per cent.
 */
public final class LatencyPercentiles {
  private static final double GROWTH = 1.01;

  private LatencyPercentiles() {}

  /**
   * The latency in nanoseconds below which {@code quantile} (0 to 1) of the latencies fall; 0 for
   * an empty histogram.
   */
  public static double of(LatencyHistogram histogram, double quantile) {
    if (quantile < 0 || quantile > 1) {
      throw new IllegalArgumentException("a quantile is between 0 and 1, not " + quantile);
    }
    if (histogram.getCount() == 0) {
      return 0;
    }
    // The rank of the latency asked for, counted from 1, as nearest-rank percentiles are.
    long rank = Math.max(1, (long) Math.ceil(quantile * histogram.getCount()));
    // The first and the last latency are known exactly.
    if (rank == 1) {
      return histogram.getMinNanos();
    }
    if (rank >= histogram.getCount()) {
      return histogram.getMaxNanos();
    }
    long seen = 0;
    for (HistogramBucket bucket : histogram.getBucketsList()) {
      seen += bucket.getCount();
      if (seen >= rank) {
        double middle = Math.pow(GROWTH, bucket.getIndex() + 0.5);
        return Math.min(histogram.getMaxNanos(), Math.max(histogram.getMinNanos(), middle));
      }
    }
    // The buckets hold fewer latencies than the count says: the largest is the best answer.
    return histogram.getMaxNanos();
  }
}
