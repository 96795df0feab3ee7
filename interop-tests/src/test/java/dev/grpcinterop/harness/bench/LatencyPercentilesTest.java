package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.grpcinterop.interop.v1.HistogramBucket;
import dev.grpcinterop.interop.v1.LatencyHistogram;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LatencyPercentilesTest {
  /** A histogram as a peer builds it: bucket floor(ln(t) / ln(1.01)) for each latency t. */
  static LatencyHistogram histogram(long... nanos) {
    var counts = new TreeMap<Integer, Long>();
    long min = Long.MAX_VALUE;
    long max = 0;
    long sum = 0;
    for (long t : nanos) {
      counts.merge((int) Math.floor(Math.log(t) / Math.log(1.01)), 1L, Long::sum);
      min = Math.min(min, t);
      max = Math.max(max, t);
      sum += t;
    }
    var histogram =
        LatencyHistogram.newBuilder()
            .setCount(nanos.length)
            .setMinNanos(min)
            .setMaxNanos(max)
            .setSumNanos(sum);
    counts.forEach(
        (index, count) ->
            histogram.addBuckets(HistogramBucket.newBuilder().setIndex(index).setCount(count)));
    return histogram.build();
  }

  @Test
  void aPercentileIsWithinTheBucketsOnePerCent() {
    long[] latencies = new long[1000];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = 100_000 + 1_000L * i; // 100 µs to 1.099 ms, evenly
    }
    var histogram = histogram(latencies);
    assertThat(LatencyPercentiles.of(histogram, 0.5)).isCloseTo(599_000, within(599_000 * 0.01));
    assertThat(LatencyPercentiles.of(histogram, 0.99))
        .isCloseTo(1_089_000, within(1_089_000 * 0.01));
  }

  @Test
  void theExtremesAreTheSmallestAndLargestSeen() {
    var histogram = histogram(1_000, 2_000, 3_000);
    assertThat(LatencyPercentiles.of(histogram, 0)).isEqualTo(1_000);
    assertThat(LatencyPercentiles.of(histogram, 1)).isEqualTo(3_000);
  }

  @Test
  void oneLatencyIsEveryPercentile() {
    var histogram = histogram(42_000);
    assertThat(LatencyPercentiles.of(histogram, 0.5)).isEqualTo(42_000);
    assertThat(LatencyPercentiles.of(histogram, 0.999)).isEqualTo(42_000);
  }

  @Test
  void anEmptyHistogramHasNoLatency() {
    assertThat(LatencyPercentiles.of(LatencyHistogram.getDefaultInstance(), 0.5)).isZero();
  }

  @Test
  void aQuantileIsBetweenZeroAndOne() {
    assertThatThrownBy(() -> LatencyPercentiles.of(histogram(1), 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
