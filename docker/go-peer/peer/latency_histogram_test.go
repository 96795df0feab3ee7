package peer

import (
	"math"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

func TestBucketIndexIsTheLogOfTheLatencyInBase1Point01(t *testing.T) {
	for nanos, want := range map[uint64]int{0: 0, 1: 0, 2: 69, 1000: 694, 1_000_000: 1388} {
		if got := bucketIndex(nanos); got != want {
			t.Errorf("%d ns: bucket %d, want %d", nanos, got, want)
		}
	}
	for _, nanos := range []uint64{3, 17, 999, 123_456, 98_765_432, uint64(time.Hour)} {
		index := float64(bucketIndex(nanos))
		if low, high := math.Pow(1.01, index), math.Pow(1.01, index+1); float64(nanos) < low || float64(nanos) >= high {
			t.Errorf("%d ns is not in bucket %v, [%v, %v)", nanos, index, low, high)
		}
	}
}

func TestLatencyHistogramMergesAndReportsAscendingBuckets(t *testing.T) {
	var first, second, empty latencyHistogram
	first.record(1000 * time.Nanosecond)
	first.record(2 * time.Nanosecond)
	second.record(1000 * time.Nanosecond)
	second.record(-time.Nanosecond) // a clock that went back counts as 0 ns
	first.merge(&second)
	first.merge(&empty)
	want := &interopv1.LatencyHistogram{
		Buckets: []*interopv1.HistogramBucket{{Index: 0, Count: 1}, {Index: 69, Count: 1}, {Index: 694, Count: 2}},
		Count:   4, MinNanos: 0, MaxNanos: 1000, SumNanos: 2002,
	}
	if got := first.report(); !proto.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	empty.merge(&first)
	if got := empty.report(); !proto.Equal(got, want) {
		t.Errorf("merged into an empty one: got %v, want %v", got, want)
	}
	if got := new(latencyHistogram).report(); !proto.Equal(got, &interopv1.LatencyHistogram{}) {
		t.Errorf("no latency: %v", got)
	}
}
