"""What every method does besides its own work: metadata echo, call records, error statuses.

Done once here, around each handler, rather than in each handler: the echo and the records then
cover every method, including ones added to calculator.proto later.
"""

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc_status import rpc_status

from peer.server_calls import ServerCall, ServerCallLog
from peer.status import StatusError

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
CALL_ID_KEY = "x-interop-call-id"

_HANDLER_FACTORIES = {
    (False, False): ("unary_unary", grpc.unary_unary_rpc_method_handler),
    (False, True): ("unary_stream", grpc.unary_stream_rpc_method_handler),
    (True, False): ("stream_unary", grpc.stream_unary_rpc_method_handler),
    (True, True): ("stream_stream", grpc.stream_stream_rpc_method_handler),
}


class CallInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, call_log: ServerCallLog) -> None:
        self._call_log = call_log

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
        call_log = self._call_log
        if inspect.isasyncgenfunction(behaviour):

            async def stream_responses(
                request: Any, context: grpc.aio.ServicerContext
            ) -> AsyncIterator[Any]:
                call = await _ObservedCall.begin(method, context, call_log)
                try:
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
                call = await _ObservedCall.begin(method, context, call_log)
                try:
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
        context: grpc.aio.ServicerContext,
        echo_trailers: tuple[tuple[str, bytes], ...],
        record: ServerCall | None,
    ) -> None:
        self._context = context
        self._echo_trailers = echo_trailers
        self._record = record

    @classmethod
    async def begin(
        cls, method: str, context: grpc.aio.ServicerContext, call_log: ServerCallLog
    ) -> "_ObservedCall":
        metadata = {key: value for key, value in context.invocation_metadata() or ()}
        if ECHO_INITIAL_KEY in metadata:
            await context.send_initial_metadata(((ECHO_INITIAL_KEY, metadata[ECHO_INITIAL_KEY]),))
        echo_trailers: tuple[tuple[str, bytes], ...] = ()
        if ECHO_TRAILING_KEY in metadata:
            echo_trailers = ((ECHO_TRAILING_KEY, metadata[ECHO_TRAILING_KEY]),)
            context.set_trailing_metadata(echo_trailers)
        record = None
        if CALL_ID_KEY in metadata:
            record = ServerCall(method, context.time_remaining())
            call_log.add(metadata[CALL_ID_KEY], record)
        return cls(context, echo_trailers, record)

    async def abort(self, error: StatusError) -> None:
        # abort() replaces the trailers set so far, so the echo goes in again beside the details.
        status = rpc_status.to_status(error.to_rpc_status())
        await self._context.abort(
            status.code, status.details, tuple(status.trailing_metadata) + self._echo_trailers
        )

    def mark_cancelled(self) -> None:
        if self._record is not None:
            self._record.cancelled = True

    def end(self) -> None:
        if self._record is not None and self._context.cancelled():
            self._record.cancelled = True
