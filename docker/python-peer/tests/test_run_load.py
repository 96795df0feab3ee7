"""RunLoad through a running peer, aimed at that same peer: loads of each kind of call, what they
add up to, and the refusals listed on RunLoad in peer_control.proto. Each load lasts 300 ms at most.
"""

import asyncio
import time
from collections.abc import AsyncIterator

import grpc
import pytest
from calculator.v1 import calculator_pb2, calculator_pb2_grpc
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

from peer.calculator_service import CalculatorService
from peer.latency_histogram import bucket_index

CALCULATE = "calculator.v1.CalculatorService/Calculate"
FACTORIZE = "calculator.v1.CalculatorService/Factorize"
RANGE = "calculator.v1.CalculatorService/Range"
SUM = "calculator.v1.CalculatorService/Sum"
RUNNING_AVERAGE = "calculator.v1.CalculatorService/RunningAverage"
# Each call's deadline, and the control call's: far above what any load here takes.
CALL_TIMEOUT = duration_pb2.Duration(seconds=5)
CONTROL_TIMEOUT_SECONDS = 20
OK = grpc.StatusCode.OK.value[0]
INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT.value[0]
DEADLINE_EXCEEDED = grpc.StatusCode.DEADLINE_EXCEEDED.value[0]


def packed(message: Message) -> any_pb2.Any:
    result = any_pb2.Any()
    result.Pack(message)
    return result


def one_plus_two() -> calculator_pb2.CalculateRequest:
    return calculator_pb2.CalculateRequest(
        operation=calculator_pb2.OPERATION_ADD,
        left=calculator_pb2.Number(integer=1),
        right=calculator_pb2.Number(integer=2),
    )


def call(target: str, method: str, *requests: Message, **fields) -> peer_control_pb2.RunCallRequest:
    return peer_control_pb2.RunCallRequest(
        target=target,
        method=method,
        requests=[packed(request) for request in requests],
        timeout=CALL_TIMEOUT,
        **fields,
    )


def milliseconds(count: int) -> duration_pb2.Duration:
    return duration_pb2.Duration(nanos=count * 1_000_000)


async def run_load(
    control: peer_control_pb2_grpc.PeerControlServiceStub,
    described: peer_control_pb2.RunCallRequest,
    **fields,
) -> peer_control_pb2.RunLoadResponse:
    return await control.RunLoad(
        peer_control_pb2.RunLoadRequest(call=described, **fields),
        timeout=CONTROL_TIMEOUT_SECONDS,
    )


def assert_histogram_holds(latency: peer_control_pb2.LatencyHistogram, count: int) -> None:
    assert latency.count == count
    indexes = [bucket.index for bucket in latency.buckets]
    assert indexes == sorted(set(indexes)), "buckets ascending, each once"
    assert sum(bucket.count for bucket in latency.buckets) == count
    assert all(bucket.count > 0 for bucket in latency.buckets)
    assert 0 < latency.min_nanos <= latency.max_nanos
    assert latency.min_nanos * count <= latency.sum_nanos <= latency.max_nanos * count
    assert indexes[0] == bucket_index(latency.min_nanos)
    assert indexes[-1] == bucket_index(latency.max_nanos)


def statuses(report: peer_control_pb2.RunLoadResponse) -> dict[int, int]:
    return {entry.code: entry.count for entry in report.statuses}


@pytest.mark.parametrize(
    ("nanos", "index"),
    [(0, 0), (1, 0), (2, 69), (100, 462), (1_000_000, 1388), (2**63 - 1, 4388)],
)
def test_bucket_index_is_the_floor_of_the_log_base_1_01(nanos: int, index: int) -> None:
    assert bucket_index(nanos) == index


class TestUnaryLoad:
    async def test_for_a_duration(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        request = one_plus_two()
        report = await run_load(
            control,
            call(target, CALCULATE, request),
            concurrency=4,
            channels=2,
            warmup=milliseconds(50),
            duration=milliseconds(200),
        )
        assert report.calls > 0
        assert statuses(report) == {OK: report.calls}
        assert_histogram_holds(report.latency, report.calls)
        assert (report.messages_sent, report.messages_received) == (report.calls, report.calls)
        assert report.bytes_sent == report.calls * request.ByteSize()
        response = calculator_pb2.CalculateResponse(result=calculator_pb2.Number(integer=3))
        assert report.bytes_received == report.calls * response.ByteSize()
        assert 0 < report.elapsed.ToNanoseconds() <= 200_000_000
        assert report.cpu_time.ToNanoseconds() > 0
        assert not report.HasField("first_failure")

    async def test_for_a_number_of_calls(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        report = await run_load(
            control, call(target, CALCULATE, one_plus_two()), concurrency=3, calls=60
        )
        assert report.calls == 60
        assert statuses(report) == {OK: 60}
        assert_histogram_holds(report.latency, 60)
        assert (report.messages_sent, report.messages_received) == (60, 60)
        assert report.bytes_sent > 0 and report.bytes_received > 0
        assert report.elapsed.ToNanoseconds() > 0
        assert report.cpu_time.ToNanoseconds() > 0

    async def test_calls_that_fail_are_counted_by_status(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        no_operation = calculator_pb2.CalculateRequest()
        report = await run_load(
            control, call(target, CALCULATE, no_operation), concurrency=2, calls=20
        )
        assert report.calls == 20
        assert statuses(report) == {INVALID_ARGUMENT: 20}
        assert report.latency.count == 0
        failure = report.first_failure
        assert (failure.code, failure.message) == (INVALID_ARGUMENT, "operation is required")
        [detail] = status_pb2.Status.FromString(failure.details).details
        bad_request = error_details_pb2.BadRequest()
        assert detail.Unpack(bad_request)
        assert [(v.field, v.description) for v in bad_request.field_violations] == [
            ("operation", "is required")
        ]


async def test_only_calls_that_end_in_the_period_count_and_the_load_waits_one_timeout_at_most(
    control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
) -> None:
    # Each call waits 1 s for its one factor, past its 100 ms deadline: the first two end at 100 ms,
    # inside the 180 ms period; the next two start then and end after it, uncounted.
    slow = calculator_pb2.FactorizeRequest(number=7, interval=duration_pb2.Duration(seconds=1))
    described = call(target, FACTORIZE, slow)
    described.timeout.CopyFrom(milliseconds(100))
    started = time.monotonic()
    report = await run_load(control, described, concurrency=2, duration=milliseconds(180))
    # The period, one timeout to let the calls in flight end, and room for a busy machine.
    assert time.monotonic() - started < 0.18 + 0.1 + 0.25
    assert statuses(report) == {DEADLINE_EXCEEDED: 2}
    assert report.first_failure.code == DEADLINE_EXCEEDED
    assert report.latency.count == 0
    assert (report.messages_sent, report.messages_received) == (2, 0)
    assert 100_000_000 <= report.elapsed.ToNanoseconds() <= 180_000_000


class TestStreamingLoads:
    async def test_server_streaming_reads_every_response(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        hundred = calculator_pb2.RangeRequest(start=1, count=100)
        report = await run_load(
            control, call(target, RANGE, hundred), concurrency=2, channels=2, calls=10
        )
        assert statuses(report) == {OK: 10}
        assert (report.messages_sent, report.messages_received) == (10, 10 * 100)
        sizes = sum(calculator_pb2.RangeResponse(value=v).ByteSize() for v in range(1, 101))
        assert report.bytes_received == 10 * sizes
        assert_histogram_holds(report.latency, 10)

    async def test_client_streaming_sends_every_request(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        values = [
            calculator_pb2.SumRequest(value=calculator_pb2.Number(integer=v)) for v in (1, 2, 3)
        ]
        report = await run_load(control, call(target, SUM, *values), concurrency=2, calls=10)
        assert statuses(report) == {OK: 10}
        assert (report.messages_sent, report.messages_received) == (30, 10)
        assert report.bytes_sent == 10 * sum(value.ByteSize() for value in values)

    async def test_bidirectional_sends_all_then_reads_all(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        values = [calculator_pb2.RunningAverageRequest(value=v) for v in (1.0, 2.0, 3.0)]
        report = await run_load(
            control, call(target, RUNNING_AVERAGE, *values), concurrency=2, calls=10
        )
        assert statuses(report) == {OK: 10}
        assert (report.messages_sent, report.messages_received) == (30, 30)
        assert_histogram_holds(report.latency, 10)

    async def test_ping_pong_times_each_round_trip(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        values = [calculator_pb2.RunningAverageRequest(value=v) for v in (1.0, 2.0, 3.0, 4.0, 5.0)]
        # One slot and a number of calls: no call is in flight beyond the counted ones, so every
        # round trip of theirs, and no other, is in the measured period.
        report = await run_load(
            control,
            call(target, RUNNING_AVERAGE, *values, ping_pong=True),
            concurrency=1,
            calls=10,
        )
        assert statuses(report) == {OK: 10}
        assert (report.messages_sent, report.messages_received) == (50, 50)
        assert_histogram_holds(report.latency, 50)


@pytest.fixture
async def connection_recorder() -> AsyncIterator[tuple[str, list[str]]]:
    """A calculator that notes the client address of every call: one per connection."""
    peers: list[str] = []

    class Recording(CalculatorService):
        async def Calculate(
            self, request: calculator_pb2.CalculateRequest, context: grpc.aio.ServicerContext
        ) -> calculator_pb2.CalculateResponse:
            peers.append(context.peer())
            return await super().Calculate(request, context)

    server = grpc.aio.server()
    calculator_pb2_grpc.add_CalculatorServiceServicer_to_server(Recording(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}", peers
    await server.stop(0)


@pytest.mark.parametrize(("channels", "connections"), [(0, 1), (1, 1), (3, 3)])
async def test_each_channel_of_a_load_is_a_connection_of_its_own(
    control: peer_control_pb2_grpc.PeerControlServiceStub,
    connection_recorder: tuple[str, list[str]],
    channels: int,
    connections: int,
) -> None:
    recorder, peers = connection_recorder
    report = await run_load(
        control,
        call(recorder, CALCULATE, one_plus_two()),
        concurrency=3,
        channels=channels,
        calls=30,
    )
    assert statuses(report) == {OK: 30}
    assert len(set(peers)) == connections


async def test_a_load_its_caller_gives_up_on_stops_its_calls(
    control: peer_control_pb2_grpc.PeerControlServiceStub,
    connection_recorder: tuple[str, list[str]],
) -> None:
    recorder, calls_served = connection_recorder
    endless = peer_control_pb2.RunLoadRequest(
        call=call(recorder, CALCULATE, one_plus_two()),
        concurrency=2,
        duration=duration_pb2.Duration(seconds=60),
    )
    with pytest.raises(grpc.aio.AioRpcError) as abandoned:
        await control.RunLoad(endless, timeout=0.2)
    assert abandoned.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    await asyncio.sleep(0.05)
    served = len(calls_served)
    assert served > 0
    await asyncio.sleep(0.1)
    assert len(calls_served) == served


def load_of(target: str, **fields) -> peer_control_pb2.RunLoadRequest:
    fields.setdefault("concurrency", 2)
    if "duration" not in fields and "calls" not in fields:
        fields["calls"] = 5
    described = fields.pop("call", None) or call(target, CALCULATE, one_plus_two())
    return peer_control_pb2.RunLoadRequest(call=described, **fields)


def cancelled(target: str) -> peer_control_pb2.RunCallRequest:
    described = call(target, CALCULATE, one_plus_two())
    described.cancel.after_begin = True
    return described


def untimed(target: str) -> peer_control_pb2.RunCallRequest:
    described = call(target, CALCULATE, one_plus_two())
    described.ClearField("timeout")
    return described


def without_until(target: str) -> peer_control_pb2.RunLoadRequest:
    request = load_of(target)
    request.ClearField("calls")
    return request


REFUSALS = [
    pytest.param(
        lambda t: load_of(t, call=cancelled(t)),
        "load calls cannot be cancelled or raw",
        id="a cancelled call",
    ),
    pytest.param(
        lambda t: load_of(t, call=call(t, CALCULATE, one_plus_two(), raw=True)),
        "load calls cannot be cancelled or raw",
        id="a raw call",
    ),
    pytest.param(
        lambda t: load_of(t, concurrency=0), "concurrency must be at least 1", id="concurrency 0"
    ),
    pytest.param(without_until, "duration or calls is required", id="neither duration nor calls"),
    pytest.param(
        lambda t: load_of(t, duration=duration_pb2.Duration()),
        "duration or calls is required",
        id="a duration of 0",
    ),
    pytest.param(lambda t: load_of(t, calls=0), "duration or calls is required", id="calls 0"),
    pytest.param(
        lambda t: load_of(t, concurrency=2, channels=3),
        "channels must not exceed concurrency",
        id="channels above concurrency",
    ),
    pytest.param(
        lambda t: load_of(t, call=untimed(t)),
        "timeout is required",
        id="a call RunCall refuses",
    ),
    pytest.param(
        lambda t: load_of(t, call=call("", CALCULATE, one_plus_two()), concurrency=0),
        "target is required",
        id="RunCall's refusal before the load's",
    ),
    pytest.param(
        lambda t: load_of(t, call=cancelled(t), concurrency=0, channels=1, calls=0),
        "load calls cannot be cancelled or raw",
        id="the load's refusals in order",
    ),
]


@pytest.mark.parametrize(("build", "message"), REFUSALS)
async def test_refused_with_the_first_problem_and_the_peer_keeps_serving(
    control: peer_control_pb2_grpc.PeerControlServiceStub, target: str, build, message: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await control.RunLoad(build(target), timeout=CONTROL_TIMEOUT_SECONDS)
    assert (refused.value.code(), refused.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        message,
    )
    after = await control.RunLoad(load_of(target), timeout=CONTROL_TIMEOUT_SECONDS)
    assert after.calls == 5
