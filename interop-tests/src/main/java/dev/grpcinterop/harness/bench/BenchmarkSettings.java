package dev.grpcinterop.harness.bench;

import java.time.Duration;

/**
 * How long each measurement runs (a duration, or until some calls have ended), how often it is
 * repeated, and whether pairs are measured one at a time (the figures) or all at once (the smoke of
 * `mvn verify`, which only checks that every figure is produced and no call failed).
 *
 * @param calls when above 0, the measured period ends after this many calls instead of a duration
 */
public record BenchmarkSettings(
    Duration warmup, Duration duration, long calls, int rounds, boolean onePairAtATime) {

  public BenchmarkSettings {
    if (calls < 0) {
      throw new IllegalArgumentException("a number of calls cannot be negative: " + calls);
    }
    if (calls == 0 && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException(
          "the measured duration must be above zero, not " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("the warm-up cannot be negative: " + warmup);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("at least one round is measured, not " + rounds);
    }
  }

  /** The figures: one pair at a time, three rounds of a one-second warm-up and five seconds. */
  public static BenchmarkSettings figures() {
    return new BenchmarkSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), 0, 3, true);
  }

  /**
   * A smoke of every scenario on every pair, all pairs of a scenario at once: no warm-up, then one
   * call. A call, not a second: with every client of a server loading it at once, one stream of
   * 10,000 messages to a one-core Python or Node server takes longer than a second, and a period in
   * which no call ends measures nothing. One is enough to show every figure, and each more costs
   * the slowest pair its stream again. No warm-up, as the smoke judges no figure's size, and so
   * that the one counted call lies wholly in the measured period: after a warm-up, a ping-pong call
   * begun in it could end in the period with every round trip before it, and no latency to show.
   */
  public static BenchmarkSettings smoke() {
    return new BenchmarkSettings(Duration.ZERO, Duration.ZERO, 1, 1, false);
  }
}
