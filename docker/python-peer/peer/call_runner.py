"""RunCall's client side: makes any call the known descriptors declare, as described, and observes it.

Nothing here knows the calculator: the method, its message types and its streaming kind all come
from the Contract (a set loaded by LoadContract, then the descriptors the generated code registered),
and the messages are built by message_factory, so a new RPC, or a whole contract the image was never
built from, needs no change. In raw mode not even that: the requests go out as the bytes given, to
whatever path is named.
"""

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import any_pb2, duration_pb2, message_factory
from google.protobuf.message import DecodeError, Message
from interop.v1 import peer_control_pb2

from peer.channels import Channels, config_problem
from peer.contract import Contract
from peer.status import StatusError, invalid_argument

STATUS_DETAILS_KEY = "grpc-status-details-bin"

_COMPRESSIONS = {"": None, "identity": None, "gzip": grpc.Compression.Gzip}


@dataclass(frozen=True)
class Method:
    path: str
    client_streaming: bool
    server_streaming: bool
    # None passes bytes through untouched, which is grpcio's behaviour for a missing (de)serializer.
    serialize: Callable[[Any], bytes] | None
    deserialize: Callable[[bytes], Any] | None
    pack: Callable[[Any], any_pb2.Any]

    @property
    def kind(self) -> str:
        """The name of the grpc.aio.Channel factory for this streaming kind."""
        return {
            (False, False): "unary_unary",
            (False, True): "unary_stream",
            (True, False): "stream_unary",
            (True, True): "stream_stream",
        }[(self.client_streaming, self.server_streaming)]


@dataclass(frozen=True)
class _Cancellation:
    after_begin: bool = False
    # Cancel once this many responses have arrived; None for never.
    after_responses: int | None = None


@dataclass(frozen=True)
class PlannedCall:
    """A RunCallRequest that was checked and translated: everything needed to make the call."""

    target: str
    channel: peer_control_pb2.ChannelConfig
    method: Method
    # Messages of the method's input type, or bytes in raw mode.
    requests: list[Any]
    timeout_seconds: float
    metadata: tuple[tuple[str, str | bytes], ...]
    compression: grpc.Compression | None
    cancellation: _Cancellation
    ping_pong: bool


@dataclass(frozen=True)
class _StartedCall:
    plan: PlannedCall
    call: grpc.aio.Call
    started_nanos: int


class CallRunner:
    def __init__(self) -> None:
        self._channels = Channels()
        self._contract = Contract()

    def load_contract(self, descriptor_set: bytes) -> Contract:
        """Replaces the loaded contract; a set that does not load leaves the previous one."""
        self._contract = Contract.from_descriptor_set(descriptor_set)
        return self._contract

    async def close(self) -> None:
        await self._channels.close()

    def plan(self, description: peer_control_pb2.RunCallRequest) -> PlannedCall:
        """The call a description asks for, checked as RunCall checks it (INVALID_ARGUMENT if not)."""
        return _plan(description, self._contract)

    async def run(
        self, description: peer_control_pb2.RunCallRequest
    ) -> peer_control_pb2.RunCallResponse:
        return await self._observe(self._start(self.plan(description)))

    async def run_all(
        self, descriptions: Sequence[peer_control_pb2.RunCallRequest]
    ) -> list[peer_control_pb2.RunCallResponse]:
        """Starts every call before awaiting any; calls to one target share its one connection."""
        plans = []
        for index, description in enumerate(descriptions):
            try:
                plans.append(self.plan(description))
            except StatusError as refused:
                raise invalid_argument(f"call {index}: {refused.message}") from None
        started = [self._start(plan) for plan in plans]
        # A TaskGroup, so that if RunCalls itself is cancelled, every call is cancelled with it.
        async with asyncio.TaskGroup() as group:
            observations = [group.create_task(self._observe(call)) for call in started]
        return [observation.result() for observation in observations]

    def _start(self, plan: PlannedCall) -> _StartedCall:
        method = plan.method
        multicallable = getattr(self._channels.get(plan.target, plan.channel), method.kind)(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        options = {
            "timeout": plan.timeout_seconds,
            "metadata": plan.metadata,
            "compression": plan.compression,
        }
        started = time.monotonic_ns()
        # Streamed requests go through call.write(), so that ping-pong and cancellation before the
        # first request are possible.
        call = (
            multicallable(**options)
            if method.client_streaming
            else multicallable(plan.requests[0], **options)
        )
        return _StartedCall(plan, call, started)

    async def _observe(self, started: _StartedCall) -> peer_control_pb2.RunCallResponse:
        plan, call = started.plan, started.call
        responses: list[Any] = []
        try:
            await _exchange(call, plan, responses)
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            pass  # The call ended early; its status, read below, is the observation.
        except asyncio.CancelledError:
            call.cancel()  # RunCall itself was cancelled: do not leave the call running.
            raise
        code = await call.code()
        elapsed_nanos = time.monotonic_ns() - started.started_nanos
        trailers = await call.trailing_metadata() or ()
        return peer_control_pb2.RunCallResponse(
            headers=_reported_metadata(await call.initial_metadata() or ()),
            responses=[plan.method.pack(response) for response in responses],
            trailers=_reported_metadata(trailers),
            status=peer_control_pb2.CallStatus(
                code=code.value[0],
                message=await call.details() or "",
                details=_status_details(trailers),
            ),
            elapsed=_duration(elapsed_nanos),
        )


def _plan(description: peer_control_pb2.RunCallRequest, contract: Contract) -> PlannedCall:
    """Checks a description; raises INVALID_ARGUMENT, saying why, when it cannot be carried out.

    The checks run in the order of the rulebook on RunCall in peer_control.proto, so that every peer
    reports the same first problem of a description that has several.
    """
    if not description.target:
        raise invalid_argument("target is required")
    if description.raw:
        method = _raw_method(description.method)
        # raw_repeat concatenates the bytes into one message: protobuf merges concatenated messages.
        times = max(1, description.raw_repeat)
        requests: list[Any] = [packed.value * times for packed in description.requests]
    else:
        method, input_type = _resolve(description.method, contract)
        requests = [
            _unpack(index, packed, input_type) for index, packed in enumerate(description.requests)
        ]
        if not method.client_streaming and len(requests) != 1:
            raise invalid_argument(
                f"{description.method} takes exactly one request, got {len(requests)}"
            )
    if not description.HasField("timeout"):
        raise invalid_argument("timeout is required")
    timeout_nanos = description.timeout.ToNanoseconds()
    if timeout_nanos <= 0:
        raise invalid_argument(f"timeout is required to be above zero, got {timeout_nanos / 1e9}s")
    if description.compression not in _COMPRESSIONS:
        raise invalid_argument(
            f'unknown compression "{description.compression}" (use "", "identity" or "gzip")'
        )
    metadata = _outgoing_metadata(description.metadata)
    problem = config_problem(description.channel)
    if problem is not None:
        raise invalid_argument(f"channel: {problem}")
    cancellation = _cancellation(description.cancel)
    return PlannedCall(
        target=description.target,
        channel=description.channel,
        method=method,
        requests=requests,
        timeout_seconds=timeout_nanos / 1e9,
        metadata=metadata,
        compression=_COMPRESSIONS[description.compression],
        cancellation=cancellation,
        ping_pong=description.ping_pong,
    )


async def _exchange(call: grpc.aio.Call, plan: PlannedCall, responses: list[Any]) -> None:
    """Sends the requests and collects the responses as RunCallRequest describes."""
    if plan.cancellation.after_begin:
        call.cancel()
        return
    method, requests = plan.method, plan.requests
    cancel_after = plan.cancellation.after_responses
    if method.client_streaming and method.server_streaming:
        if plan.ping_pong:
            await _ping_pong(call, requests, cancel_after, responses)
        else:
            await _send_while_receiving(call, requests, cancel_after, responses)
        return
    if method.client_streaming:
        await _send_all(call, requests)
    if method.server_streaming:
        await _receive_all(call, cancel_after, responses)
    else:
        responses.append(await call)


async def _send_while_receiving(
    call: grpc.aio.Call,
    requests: Sequence[Any],
    cancel_after: int | None,
    responses: list[Any],
) -> None:
    # Responses are read while requests are still being written, as any asynchronous client does;
    # writing everything first could stall on flow control when both streams are large.
    sender = asyncio.create_task(_send_all(call, requests))
    try:
        await _receive_all(call, cancel_after, responses)
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)


async def _send_all(call: grpc.aio.Call, requests: Sequence[Any]) -> None:
    for request in requests:
        await call.write(request)
    await call.done_writing()


async def _receive_all(call: grpc.aio.Call, cancel_after: int | None, responses: list[Any]) -> None:
    while not _cancel_due(cancel_after, responses):
        response = await call.read()
        if response is grpc.aio.EOF:
            return
        responses.append(response)
    call.cancel()


async def _ping_pong(
    call: grpc.aio.Call,
    requests: Sequence[Any],
    cancel_after: int | None,
    responses: list[Any],
) -> None:
    for request in requests:
        if _cancel_due(cancel_after, responses):
            call.cancel()
            return
        await call.write(request)
        response = await call.read()
        if response is grpc.aio.EOF:
            return
        responses.append(response)
    await call.done_writing()
    await _receive_all(call, cancel_after, responses)


def _cancel_due(cancel_after: int | None, responses: Sequence[Any]) -> bool:
    return cancel_after is not None and len(responses) >= cancel_after


def _resolve(name: str, contract: Contract) -> tuple[Method, type[Message]]:
    """The method and its input type; the message classes are dynamic, built from descriptors."""
    method = contract.find_method(name)
    if method is None:
        raise invalid_argument(
            f'unknown method "{name}": neither a loaded contract nor this peer\'s own services'
            " declare it"
        )
    input_type = message_factory.GetMessageClass(method.input_type)
    output_type = message_factory.GetMessageClass(method.output_type)
    return Method(
        path=f"/{name}",
        client_streaming=method.client_streaming,
        server_streaming=method.server_streaming,
        serialize=input_type.SerializeToString,
        deserialize=output_type.FromString,
        pack=_pack,
    ), input_type


def _raw_method(name: str) -> Method:
    """Any path, as a bidirectional stream of bytes: what every gRPC call is on the wire."""
    if not name:
        raise invalid_argument('unknown method "": a raw call still needs a path')
    return Method(
        path=f"/{name}",
        client_streaming=True,
        server_streaming=True,
        serialize=None,
        deserialize=None,
        pack=_pack_raw,
    )


def _unpack(index: int, packed: any_pb2.Any, message_type: type[Message]) -> Message:
    expected = message_type.DESCRIPTOR.full_name
    if not packed.Is(message_type.DESCRIPTOR):
        raise invalid_argument(
            f'request {index}: type_url "{packed.type_url}" is not the input type {expected}'
        )
    message = message_type()
    try:
        message.ParseFromString(packed.value)
    except DecodeError as error:
        raise invalid_argument(f"request {index}: does not parse as {expected}: {error}") from None
    return message


def _duration(nanos: int) -> duration_pb2.Duration:
    duration = duration_pb2.Duration()
    duration.FromNanoseconds(nanos)
    return duration


def _pack(message: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def _pack_raw(response: bytes) -> any_pb2.Any:
    # No type_url: in raw mode the client does not know, or claim, what the bytes are.
    return any_pb2.Any(value=response)


def _cancellation(cancel: peer_control_pb2.Cancellation) -> _Cancellation:
    when = cancel.WhichOneof("when")
    if when == "after_begin":
        return _Cancellation(after_begin=cancel.after_begin)
    if when == "after_responses":
        # Cancelling before any response is after_begin; 0 here would be a second way to say it.
        if cancel.after_responses < 1:
            raise invalid_argument(
                f"cancel: after_responses must be at least 1, got {cancel.after_responses}"
            )
        return _Cancellation(after_responses=cancel.after_responses)
    return _Cancellation()


def _outgoing_metadata(
    entries: Sequence[peer_control_pb2.MetadataEntry],
) -> tuple[tuple[str, str | bytes], ...]:
    # Two passes: the rulebook reports a text value under a -bin key before any binary value
    # under a text key, wherever each stands in the list.
    for index, entry in enumerate(entries):
        if entry.key.endswith("-bin") and entry.WhichOneof("value") == "text":
            raise invalid_argument(
                f'metadata {index}: key "{entry.key}" ends in -bin, so its value must be binary'
            )
    for index, entry in enumerate(entries):
        if not entry.key.endswith("-bin") and entry.WhichOneof("value") == "binary":
            raise invalid_argument(
                f'metadata {index}: key "{entry.key}" has no -bin suffix, so its value must be text'
            )
    return tuple(
        (entry.key, entry.binary if entry.key.endswith("-bin") else entry.text) for entry in entries
    )


def _reported_metadata(
    metadata: Sequence[tuple[str, str | bytes]],
) -> list[peer_control_pb2.MetadataEntry]:
    entries = []
    for key, value in metadata:
        if key.startswith("grpc-"):
            continue
        if isinstance(value, bytes):
            entries.append(peer_control_pb2.MetadataEntry(key=key, binary=value))
        else:
            entries.append(peer_control_pb2.MetadataEntry(key=key, text=value))
    return entries


def _status_details(trailers: Sequence[tuple[str, str | bytes]]) -> bytes:
    for key, value in trailers:
        if key == STATUS_DETAILS_KEY:
            return value
    return b""
