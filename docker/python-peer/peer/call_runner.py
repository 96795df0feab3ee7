"""RunCall's client side: makes any call the loaded descriptors know, as described, and observes it.

Nothing here knows the calculator: the method, its message types and its streaming kind all come
from the descriptor pool the generated code registered itself in, so a new RPC needs no change.
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import grpc
from google.protobuf import any_pb2, descriptor_pool, duration_pb2, message_factory
from google.protobuf.message import DecodeError, Message
from interop.v1 import peer_control_pb2

from peer.status import invalid_argument

STATUS_DETAILS_KEY = "grpc-status-details-bin"

_COMPRESSIONS = {"": None, "identity": None, "gzip": grpc.Compression.Gzip}

# Statistics carries hundreds of thousands of doubles; gRPC's default 4 MiB limit is too small.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
CHANNEL_OPTIONS = (("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),)


@dataclass(frozen=True)
class _Method:
    name: str
    input_type: type[Message]
    output_type: type[Message]
    client_streaming: bool
    server_streaming: bool

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


class CallRunner:
    def __init__(self) -> None:
        self._channels: dict[str, grpc.aio.Channel] = {}

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()

    async def run(
        self, description: peer_control_pb2.RunCallRequest
    ) -> peer_control_pb2.RunCallResponse:
        if not description.target:
            raise invalid_argument("target is required")
        method = _resolve(description.method)
        if not description.HasField("timeout"):
            raise invalid_argument("timeout is required")
        requests = [
            _unpack(index, packed, method.input_type)
            for index, packed in enumerate(description.requests)
        ]
        if not method.client_streaming and len(requests) != 1:
            raise invalid_argument(f"{method.name} takes exactly one request, got {len(requests)}")
        if description.compression not in _COMPRESSIONS:
            raise invalid_argument(
                f'unknown compression "{description.compression}" (use "", "identity" or "gzip")'
            )
        metadata = _outgoing_metadata(description.metadata)
        cancellation = _cancellation(description.cancel)

        callable_ = getattr(self._channel(description.target), method.kind)(
            f"/{method.name}",
            request_serializer=method.input_type.SerializeToString,
            response_deserializer=method.output_type.FromString,
        )
        options = {
            "timeout": description.timeout.ToTimedelta().total_seconds(),
            "metadata": metadata,
            "compression": _COMPRESSIONS[description.compression],
        }
        started = time.monotonic_ns()
        # Streamed requests go through call.write(), so that ping-pong and cancellation before the
        # first request are possible.
        call = (
            callable_(**options) if method.client_streaming else callable_(requests[0], **options)
        )
        responses: list[Message] = []
        try:
            await _exchange(call, method, requests, cancellation, description.ping_pong, responses)
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            pass  # The call ended early; its status, read below, is the observation.
        except asyncio.CancelledError:
            call.cancel()  # RunCall itself was cancelled: do not leave the call running.
            raise
        code = await call.code()
        elapsed_nanos = time.monotonic_ns() - started
        trailers = await call.trailing_metadata() or ()
        return peer_control_pb2.RunCallResponse(
            headers=_reported_metadata(await call.initial_metadata() or ()),
            responses=[_pack(response) for response in responses],
            trailers=_reported_metadata(trailers),
            status=peer_control_pb2.CallStatus(
                code=code.value[0],
                message=await call.details() or "",
                details=_status_details(trailers),
            ),
            elapsed=_duration(elapsed_nanos),
        )

    def _channel(self, target: str) -> grpc.aio.Channel:
        if target not in self._channels:
            self._channels[target] = grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS)
        return self._channels[target]


async def _exchange(
    call: grpc.aio.Call,
    method: _Method,
    requests: Sequence[Message],
    cancellation: _Cancellation,
    ping_pong: bool,
    responses: list[Message],
) -> None:
    """Sends the requests and collects the responses as RunCallRequest describes."""
    if cancellation.after_begin:
        call.cancel()
        return
    cancel_after = cancellation.after_responses
    if method.client_streaming and method.server_streaming:
        if ping_pong:
            await _ping_pong(call, requests, cancel_after, responses)
        else:
            await _send_while_receiving(call, requests, cancel_after, responses)
        return
    if method.client_streaming:
        await _send_all(call, requests)
    if method.server_streaming:
        await _receive_all(call, cancel_after, responses)
    elif cancel_after == 0:
        call.cancel()
    else:
        responses.append(await call)


async def _send_while_receiving(
    call: grpc.aio.Call,
    requests: Sequence[Message],
    cancel_after: int | None,
    responses: list[Message],
) -> None:
    # Responses are read while requests are still being written, as any asynchronous client does;
    # writing everything first could stall on flow control when both streams are large.
    sender = asyncio.create_task(_send_all(call, requests))
    try:
        await _receive_all(call, cancel_after, responses)
    finally:
        sender.cancel()
        await asyncio.gather(sender, return_exceptions=True)


async def _send_all(call: grpc.aio.Call, requests: Sequence[Message]) -> None:
    for request in requests:
        await call.write(request)
    await call.done_writing()


async def _receive_all(
    call: grpc.aio.Call, cancel_after: int | None, responses: list[Message]
) -> None:
    while not _cancel_due(cancel_after, responses):
        response = await call.read()
        if response is grpc.aio.EOF:
            return
        responses.append(response)
    call.cancel()


async def _ping_pong(
    call: grpc.aio.Call,
    requests: Sequence[Message],
    cancel_after: int | None,
    responses: list[Message],
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


def _cancel_due(cancel_after: int | None, responses: Sequence[Message]) -> bool:
    return cancel_after is not None and len(responses) >= cancel_after


def _resolve(name: str) -> _Method:
    service_name, _, method_name = name.partition("/")
    try:
        service = descriptor_pool.Default().FindServiceByName(service_name)
        method = service.methods_by_name[method_name]
    except KeyError:
        raise invalid_argument(f"unknown method {name or '(empty)'}") from None
    return _Method(
        name=name,
        input_type=message_factory.GetMessageClass(method.input_type),
        output_type=message_factory.GetMessageClass(method.output_type),
        client_streaming=method.client_streaming,
        server_streaming=method.server_streaming,
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


def _cancellation(cancel: peer_control_pb2.Cancellation) -> _Cancellation:
    when = cancel.WhichOneof("when")
    if when == "after_begin":
        return _Cancellation(after_begin=cancel.after_begin)
    if when == "after_responses":
        return _Cancellation(after_responses=cancel.after_responses)
    return _Cancellation()


def _outgoing_metadata(
    entries: Sequence[peer_control_pb2.MetadataEntry],
) -> tuple[tuple[str, str | bytes], ...]:
    metadata = []
    for index, entry in enumerate(entries):
        binary_key = entry.key.endswith("-bin")
        if binary_key and entry.WhichOneof("value") == "text":
            raise invalid_argument(
                f'metadata {index}: key "{entry.key}" ends in -bin, so its value must be binary'
            )
        if not binary_key and entry.WhichOneof("value") == "binary":
            raise invalid_argument(
                f'metadata {index}: key "{entry.key}" has no -bin suffix, so its value must be text'
            )
        metadata.append((entry.key, entry.binary if binary_key else entry.text))
    return tuple(metadata)


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
