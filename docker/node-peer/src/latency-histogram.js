// Latencies in the log-linear buckets of peer_control.proto's LatencyHistogram, 1 % wide, so that
// every language puts the same latency in the same bucket.

const LOG_GROWTH = Math.log(1.01);

/** The bucket of a latency of `nanos` nanoseconds: floor(ln(t) / ln(1.01)), and 0 below 1 ns. */
export function bucketIndex(nanos) {
  return nanos < 1 ? 0 : Math.floor(Math.log(nanos) / LOG_GROWTH);
}

// Enough buckets for any latency an int64 of nanoseconds holds.
const BUCKETS = bucketIndex(2 ** 63) + 1;

export class LatencyHistogram {
  #counts = new Float64Array(BUCKETS);
  #count = 0;
  #min = Infinity;
  #max = 0;
  // Exact as a double up to 2^53 ns (104 days) of latencies summed, beyond any load's.
  #sum = 0;

  /** Adds a latency of `nanos` nanoseconds (a number). */
  record(nanos) {
    this.#counts[bucketIndex(nanos)] += 1;
    this.#count += 1;
    this.#min = Math.min(this.#min, nanos);
    this.#max = Math.max(this.#max, nanos);
    this.#sum += nanos;
  }

  get count() {
    return this.#count;
  }

  /** The interop.v1.LatencyHistogram, as proto-loader takes it: non-empty buckets, ascending. */
  toMessage() {
    const buckets = [];
    this.#counts.forEach((count, index) => {
      if (count > 0) buckets.push({ index, count: String(count) });
    });
    return {
      buckets,
      count: String(this.#count),
      min_nanos: String(this.#count === 0 ? 0 : this.#min),
      max_nanos: String(this.#max),
      sum_nanos: String(this.#sum),
    };
  }
}
