"""RunLoad's latencies, in the log-linear buckets of peer_control.proto's LatencyHistogram: 1 % wide,
so that every language puts the same latency in the same bucket."""

import math

from interop.v1 import peer_control_pb2

_LOG_GROWTH = math.log(1.01)


def bucket_index(nanos: int) -> int:
    """floor(ln(t) / ln(1.01)), computed as written, so that the float rounding is every peer's."""
    return 0 if nanos < 1 else math.floor(math.log(nanos) / _LOG_GROWTH)


class LatencyHistogram:
    def __init__(self) -> None:
        # Only the buckets that hold a latency: a few hundred at most in a load, out of some 4400.
        self._buckets: dict[int, int] = {}
        self.count = 0
        self._min = 0
        self._max = 0
        self._sum = 0

    def record(self, nanos: int) -> None:
        index = bucket_index(nanos)
        self._buckets[index] = self._buckets.get(index, 0) + 1
        self._min = nanos if self.count == 0 else min(self._min, nanos)
        self._max = max(self._max, nanos)
        self._sum += nanos
        self.count += 1

    def to_proto(self) -> peer_control_pb2.LatencyHistogram:
        return peer_control_pb2.LatencyHistogram(
            buckets=[
                peer_control_pb2.HistogramBucket(index=index, count=count)
                for index, count in sorted(self._buckets.items())
            ],
            count=self.count,
            min_nanos=self._min,
            max_nanos=self._max,
            sum_nanos=self._sum,
        )
