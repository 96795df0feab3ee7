"""What every method does besides its own work: the server-id header, metadata echo, response
compression on request, call records, error statuses.

Done once here, around each handler, rather than in each handler: the echo and the records then
cover every method, including ones added to calculator.proto later.
"""

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc_status import rpc_status

from peer.server_calls import ServerCall, ServerCallLog, host_port
from peer.status import StatusError

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
CALL_ID_KEY = "x-interop-call-id"
RESPONSE_COMPRESSION_KEY = "x-interop-response-compression"
SERVER_ID_KEY = "x-interop-server-id"

_RESPONSE_COMPRESSIONS = {
    "identity": grpc.Compression.NoCompression,
    "deflate": grpc.Compression.Deflate,
    "gzip": grpc.Compression.Gzip,
}

_HANDLER_FACTORIES = {
    (False, False): ("unary_unary", grpc.unary_unary_rpc_method_handler),
    (False, True): ("unary_stream", grpc.unary_stream_rpc_method_handler),
    (True, False): ("stream_unary", grpc.stream_unary_rpc_method_handler),
    (True, True): ("stream_stream", grpc.stream_stream_rpc_method_handler),
}


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, call_log: ServerCallLog, server_id: str) -> None:
        self._call_log = call_log
        self._server_id = server_id

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None  # gRPC answers UNIMPLEMENTED.
        method = handler_call_details.method.lstrip("/")
        attribute, factory = _HANDLER_FACTORIES[
            (handler.request_streaming, handler.response_streaming)
        ]
        behaviour = getattr(handler, attribute)
        wrapped = self._wrap(behaviour, method)
        if wrapped is None:
            return handler
        return factory(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    def _wrap(self, behaviour: Callable[..., Any], method: str) -> Callable[..., Any] | None:
        # grpc.aio picks how to drive a handler from its function type, so the wrapper must have the
        # same type: an async generator for streamed responses, a coroutine for the rest (including
        # handlers that stream through context.write, like the health service's Watch).
        call_log, server_id = self._call_log, self._server_id
        if inspect.isasyncgenfunction(behaviour):

            async def stream_responses(
                request: Any, context: grpc.aio.ServicerContext
            ) -> AsyncIterator[Any]:
                call = _ObservedCall(method, context, call_log, server_id)
                try:
                    await call.begin()
                    async for response in behaviour(request, context):
                        yield response
                except StatusError as error:
                    await call.abort(error)
                except (asyncio.CancelledError, GeneratorExit):
                    call.mark_cancelled()
                    raise
                finally:
                    call.end()

            return stream_responses

        if inspect.iscoroutinefunction(behaviour):

            async def respond(request: Any, context: grpc.aio.ServicerContext) -> Any:
                call = _ObservedCall(method, context, call_log, server_id)
                try:
                    await call.begin()
                    return await behaviour(request, context)
                except StatusError as error:
                    await call.abort(error)
                except asyncio.CancelledError:
                    call.mark_cancelled()
                    raise
                finally:
                    call.end()

            return respond

        return None  # A synchronous handler: none is registered on this asyncio server.


class _ObservedCall:
    """One call as the interceptor follows it from its handler's start to its end."""

    def __init__(
        self,
        method: str,
        context: grpc.aio.ServicerContext,
        call_log: ServerCallLog,
        server_id: str,
    ) -> None:
        self._context = context
        self._server_id = server_id
        self._metadata = {key: value for key, value in context.invocation_metadata() or ()}
        self._echo_trailers: tuple[tuple[str, bytes], ...] = ()
        if ECHO_TRAILING_KEY in self._metadata:
            self._echo_trailers = ((ECHO_TRAILING_KEY, self._metadata[ECHO_TRAILING_KEY]),)
        self._record = None
        if CALL_ID_KEY in self._metadata:
            self._record = ServerCall(
                method, context.time_remaining(), peer=host_port(context.peer())
            )
            call_log.add(self._metadata[CALL_ID_KEY], self._record)

    async def begin(self) -> None:
        """Applies what the request metadata asks of every call, before the handler runs."""
        headers = [(SERVER_ID_KEY, self._server_id)]
        if ECHO_INITIAL_KEY in self._metadata:
            headers.append((ECHO_INITIAL_KEY, self._metadata[ECHO_INITIAL_KEY]))
        compression = self._metadata.get(RESPONSE_COMPRESSION_KEY)
        if compression is not None:
            if compression not in _RESPONSE_COMPRESSIONS:
                raise StatusError(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f'unknown {RESPONSE_COMPRESSION_KEY} "{compression}"'
                    f" (use {', '.join(_RESPONSE_COMPRESSIONS)})",
                )
            self._context.set_compression(_RESPONSE_COMPRESSIONS[compression])
            if self._record is not None and compression != "identity":
                self._record.response_compression = compression
        # The headers go out now, before the handler runs: grpc.aio's ServicerContext cannot add
        # to the headers it sends itself, and it applies set_compression() to headers sent by
        # send_initial_metadata() or write() but not to those it sends with a unary response
        # (README.md, "Where grpcio behaves in its own way"). A call that fails still has headers.
        await self._context.send_initial_metadata(headers)
        if self._echo_trailers:
            self._context.set_trailing_metadata(self._echo_trailers)

    async def abort(self, error: StatusError) -> None:
        # abort() replaces the trailers set so far, so the echo goes in again beside the details.
        trailers = self._echo_trailers
        if error.with_details:
            status = rpc_status.to_status(error.to_rpc_status())
            trailers = tuple(status.trailing_metadata) + trailers
        await self._context.abort(error.code, error.message, trailers)

    def mark_cancelled(self) -> None:
        if self._record is not None:
            self._record.cancelled = True

    def end(self) -> None:
        if self._record is not None and self._context.cancelled():
            self._record.cancelled = True
