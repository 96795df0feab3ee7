"""RunLoad: the call a RunLoadRequest describes, made over and over in closed loop on channels made
for the load, and measured after a warm-up.

What a call is, and why a description is refused, come from CallRunner.plan, as for RunCall; the
load's own refusals come after. Each slot of the loop is one asyncio task that makes one call after
another on one multicallable, made once; of a call, only its status, its latency and the number and
sizes of its messages are kept.
"""

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import grpc
from google.protobuf import duration_pb2
from interop.v1 import peer_control_pb2

from peer.call_runner import STATUS_DETAILS_KEY, CallRunner, PlannedCall
from peer.channels import open_channel
from peer.latency_histogram import LatencyHistogram
from peer.status import invalid_argument

# The end of a measured period that ends after a number of calls, until the last of them ends.
_UNKNOWN_END = 2**63


class LoadRunner:
    def __init__(self, call_runner: CallRunner) -> None:
        self._call_runner = call_runner

    async def run(
        self, request: peer_control_pb2.RunLoadRequest
    ) -> peer_control_pb2.RunLoadResponse:
        plan = self._call_runner.plan(request.call)
        _check(request)
        channels = [
            open_channel(plan.target, plan.channel, own_connection=True)
            for _ in range(request.channels or 1)
        ]
        try:
            await _connect(channels, plan.timeout_seconds)
            load = _Load(
                plan,
                warmup_nanos=max(0, request.warmup.ToNanoseconds()),
                # The other member of the oneof is unset, so it reads as 0.
                duration_nanos=request.duration.ToNanoseconds(),
                calls_wanted=request.calls,
            )
            return await load.run(request.concurrency, channels)
        finally:
            await asyncio.gather(*(channel.close() for channel in channels))


def _check(request: peer_control_pb2.RunLoadRequest) -> None:
    """The load's own refusals, in the order of RunLoad's comment in peer_control.proto."""
    if request.call.HasField("cancel") or request.call.raw:
        raise invalid_argument("load calls cannot be cancelled or raw")
    if request.concurrency == 0:
        raise invalid_argument("concurrency must be at least 1")
    until = request.WhichOneof("until")
    if (
        until is None
        or (until == "duration" and request.duration.ToNanoseconds() <= 0)
        or (until == "calls" and request.calls == 0)
    ):
        raise invalid_argument("duration or calls is required")
    if request.channels > request.concurrency:
        raise invalid_argument("channels must not exceed concurrency")


async def _connect(channels: Sequence[grpc.aio.Channel], timeout_seconds: float) -> None:
    """Connects every channel before the warm-up; one that is not READY in time fails its calls."""
    readiness = [asyncio.ensure_future(channel.channel_ready()) for channel in channels]
    try:
        await asyncio.wait(readiness, timeout=timeout_seconds)
    finally:
        for ready in readiness:
            ready.cancel()
        await asyncio.gather(*readiness, return_exceptions=True)


class _Load:
    """The measured period and what the calls that end inside it add up to.

    Every slot runs on the event loop's one thread, so they share these figures without a lock.
    """

    def __init__(
        self, plan: PlannedCall, *, warmup_nanos: int, duration_nanos: int, calls_wanted: int
    ) -> None:
        self.plan = plan
        method = plan.method
        self.ping_pong = plan.ping_pong and method.client_streaming and method.server_streaming
        self.request_sizes = [request.ByteSize() for request in plan.requests]
        self._timeout_nanos = round(plan.timeout_seconds * 1e9)
        self._calls_wanted = calls_wanted
        self.start = time.perf_counter_ns() + warmup_nanos
        self.end = self.start + duration_nanos if duration_nanos else _UNKNOWN_END
        self._last_call_counted = asyncio.Event()
        self._cpu_start: int | None = None
        self._cpu_end: int | None = None

        self.calls = 0
        self.statuses: dict[int, int] = {}
        self.latency = LatencyHistogram()
        self.messages_sent = 0
        self.messages_received = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        self.last_end = self.start
        self.first_failure: peer_control_pb2.CallStatus | None = None

    async def run(
        self, concurrency: int, channels: Sequence[grpc.aio.Channel]
    ) -> peer_control_pb2.RunLoadResponse:
        slots = [
            asyncio.create_task(_Slot(self, channels[k % len(channels)]).run())
            for k in range(concurrency)
        ]
        clock = asyncio.create_task(self._take_cpu_time())
        try:
            # A slot stops only once the period is over, unless it fails.
            await asyncio.wait([clock, *slots], return_when=asyncio.FIRST_COMPLETED)
            if self._cpu_end is None:
                self._cpu_end = time.process_time_ns()
            # The calls in flight all started by the end, so their deadlines have passed one timeout
            # later; none of them counts, so one the library has not ended by then is cancelled.
            now = time.perf_counter_ns()
            drain_nanos = min(self.end, now) + self._timeout_nanos - now
            await asyncio.wait(slots, timeout=max(0, drain_nanos) / 1e9)
        finally:
            for task in (clock, *slots):
                task.cancel()
            await asyncio.gather(clock, *slots, return_exceptions=True)
        for slot in slots:
            if not slot.cancelled() and slot.exception() is not None:
                raise slot.exception()
        return self._report()

    async def _take_cpu_time(self) -> None:
        await asyncio.sleep(max(0, self.start - time.perf_counter_ns()) / 1e9)
        self._cpu_start = time.process_time_ns()
        if self._calls_wanted:
            await self._last_call_counted.wait()
        else:
            await asyncio.sleep(max(0, self.end - time.perf_counter_ns()) / 1e9)
            self._cpu_end = time.process_time_ns()

    def may_start(self) -> bool:
        return time.perf_counter_ns() < self.end

    def in_period(self, at: int) -> bool:
        return self.start <= at <= self.end

    def counts_call(self, ended: int) -> bool:
        """Whether a call that ended then counts; the last one wanted ends the period."""
        if not self.in_period(ended) or (self._calls_wanted and self.calls == self._calls_wanted):
            return False
        self.calls += 1
        if self.calls == self._calls_wanted:
            self.end = ended
            self._cpu_end = time.process_time_ns()
            self._last_call_counted.set()
        self.last_end = max(self.last_end, ended)
        return True

    def _report(self) -> peer_control_pb2.RunLoadResponse:
        cpu_nanos = 0
        if self._cpu_start is not None and self._cpu_end is not None:
            cpu_nanos = max(0, self._cpu_end - self._cpu_start)
        return peer_control_pb2.RunLoadResponse(
            calls=self.calls,
            statuses=[
                peer_control_pb2.StatusCount(code=code, count=count)
                for code, count in sorted(self.statuses.items())
            ],
            latency=self.latency.to_proto(),
            messages_sent=self.messages_sent,
            messages_received=self.messages_received,
            bytes_sent=self.bytes_sent,
            bytes_received=self.bytes_received,
            elapsed=_duration(self.last_end - self.start),
            cpu_time=_duration(cpu_nanos),
            first_failure=self.first_failure,
        )


class _Slot:
    """One slot of the closed loop: a call, then the next as soon as it ends, on one channel."""

    def __init__(self, load: _Load, channel: grpc.aio.Channel) -> None:
        self._load = load
        plan = load.plan
        method = plan.method
        self._parse = method.deserialize
        # What a generated stub does: a method registered with the channel once, not per call.
        self._multicallable = getattr(channel, method.kind)(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=self._received,
            _registered_method=True,
        )
        self._options = {
            "timeout": plan.timeout_seconds,
            "metadata": plan.metadata,
            "compression": plan.compression,
        }
        self._requests = plan.requests
        self._client_streaming = method.client_streaming
        if load.ping_pong:
            self._exchange = self._ping_pong
        elif method.client_streaming and method.server_streaming:
            self._exchange = self._send_all_then_receive_all
        elif method.client_streaming:
            self._exchange = self._send_all_then_receive_one
        elif method.server_streaming:
            self._exchange = self._receive_all
        else:
            self._exchange = self._receive_one
        # The current call's messages, added to the load's figures if the call counts.
        self._sent = 0
        self._bytes_sent = 0
        self._received_count = 0
        self._bytes_received = 0

    async def run(self) -> None:
        while self._load.may_start():
            await self._one_call()

    async def _one_call(self) -> None:
        load = self._load
        self._sent = self._bytes_sent = self._received_count = self._bytes_received = 0
        started = time.perf_counter_ns()
        if self._client_streaming:
            call = self._multicallable(**self._options)
        else:
            call = self._multicallable(self._requests[0], **self._options)
            self._count_sent(0)
        try:
            await self._exchange(call)
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            pass  # The call ended early; its status, read below, is what counts.
        except asyncio.CancelledError:
            call.cancel()
            raise
        code = await call.code()
        ended = time.perf_counter_ns()
        if not load.counts_call(ended):
            return
        number = code.value[0]
        load.statuses[number] = load.statuses.get(number, 0) + 1
        load.messages_sent += self._sent
        load.bytes_sent += self._bytes_sent
        load.messages_received += self._received_count
        load.bytes_received += self._bytes_received
        if code is grpc.StatusCode.OK:
            if not load.ping_pong:
                load.latency.record(ended - started)
        elif load.first_failure is None:
            # The call has ended: these do not wait, so no other call can end in between.
            trailers = await call.trailing_metadata()
            load.first_failure = peer_control_pb2.CallStatus(
                code=number,
                message=await call.details() or "",
                details=trailers.get(STATUS_DETAILS_KEY, b"") if trailers else b"",
            )

    def _received(self, serialized: bytes) -> Any:
        # Every response passes through here, so its size is the one that came over the wire.
        self._received_count += 1
        self._bytes_received += len(serialized)
        return self._parse(serialized)

    def _count_sent(self, index: int) -> None:
        self._sent += 1
        self._bytes_sent += self._load.request_sizes[index]

    async def _receive_one(self, call: grpc.aio.Call) -> None:
        await call

    async def _receive_all(self, call: grpc.aio.Call) -> None:
        while await call.read() is not grpc.aio.EOF:
            pass

    async def _send_all(self, call: grpc.aio.Call) -> None:
        for index, request in enumerate(self._requests):
            await call.write(request)
            self._count_sent(index)
        await call.done_writing()

    async def _send_all_then_receive_one(self, call: grpc.aio.Call) -> None:
        await self._send_all(call)
        await call

    async def _send_all_then_receive_all(self, call: grpc.aio.Call) -> None:
        # As RunCallRequest says, without reading while writing (RunCall does, for large streams):
        # a load's streams of small messages fit in the flow-control windows, and a task per call
        # would be the largest cost of the loop.
        await self._send_all(call)
        await self._receive_all(call)

    async def _ping_pong(self, call: grpc.aio.Call) -> None:
        load = self._load
        for index, request in enumerate(self._requests):
            sent = time.perf_counter_ns()
            await call.write(request)
            self._count_sent(index)
            if await call.read() is grpc.aio.EOF:
                return
            received = time.perf_counter_ns()
            if load.in_period(received):
                load.latency.record(received - sent)
        await call.done_writing()
        await self._receive_all(call)


def _duration(nanos: int) -> duration_pb2.Duration:
    duration = duration_pb2.Duration()
    duration.FromNanoseconds(nanos)
    return duration
