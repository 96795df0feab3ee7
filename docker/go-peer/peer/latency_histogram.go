package peer

import (
	"math"
	"time"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// bucketWidth is the natural log of the ratio between a bucket's bounds: 1 % wide buckets.
var bucketWidth = math.Log(1.01)

// latencyHistogram counts latencies in the log-linear buckets of peer_control.proto's
// LatencyHistogram, bucket i holding the latencies from 1.01^i ns up to 1.01^(i+1) ns. One slot
// of a load owns one and records into it without a lock; the load merges them when it ends.
type latencyHistogram struct {
	// By bucket index, grown to the largest index seen: a few thousand at most, an hour being
	// bucket 2905.
	counts               []uint64
	count, min, max, sum uint64
}

// bucketIndex is floor(ln(t) / ln(1.01)) for t nanoseconds, 0 for t below 1 ns.
func bucketIndex(nanos uint64) int {
	if nanos < 1 {
		return 0
	}
	return int(math.Log(float64(nanos)) / bucketWidth)
}

func (h *latencyHistogram) record(latency time.Duration) {
	nanos := uint64(max(latency, 0))
	index := bucketIndex(nanos)
	if index >= len(h.counts) {
		h.counts = append(h.counts, make([]uint64, index+1-len(h.counts))...)
	}
	h.counts[index]++
	if h.count == 0 || nanos < h.min {
		h.min = nanos
	}
	h.max = max(h.max, nanos)
	h.count++
	h.sum += nanos
}

func (h *latencyHistogram) merge(other *latencyHistogram) {
	if other.count == 0 {
		return
	}
	if len(other.counts) > len(h.counts) {
		h.counts = append(h.counts, make([]uint64, len(other.counts)-len(h.counts))...)
	}
	for index, count := range other.counts {
		h.counts[index] += count
	}
	if h.count == 0 || other.min < h.min {
		h.min = other.min
	}
	h.max = max(h.max, other.max)
	h.count += other.count
	h.sum += other.sum
}

// report is the histogram as RunLoadResponse carries it: the buckets that hold a latency, ascending.
func (h *latencyHistogram) report() *interopv1.LatencyHistogram {
	report := &interopv1.LatencyHistogram{Count: h.count, MinNanos: h.min, MaxNanos: h.max, SumNanos: h.sum}
	for index, count := range h.counts {
		if count > 0 {
			report.Buckets = append(report.Buckets, &interopv1.HistogramBucket{Index: uint32(index), Count: count})
		}
	}
	return report
}
