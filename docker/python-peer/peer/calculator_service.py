"""calculator.v1.CalculatorService: translates messages to and from the calculator's arithmetic."""

import asyncio
from collections.abc import AsyncIterable, AsyncIterator

import grpc
from calculator.v1 import calculator_pb2, calculator_pb2_grpc
from google.protobuf import duration_pb2
from google.protobuf.message import Message

from peer import calculator


class CalculatorService(calculator_pb2_grpc.CalculatorServiceServicer):
    async def Calculate(
        self, request: calculator_pb2.CalculateRequest, context: grpc.aio.ServicerContext
    ) -> calculator_pb2.CalculateResponse:
        result = calculator.calculate(
            request.operation,
            _number_field(request, "left"),
            _number_field(request, "right"),
        )
        return calculator_pb2.CalculateResponse(result=_to_number(result))

    async def Factorize(
        self, request: calculator_pb2.FactorizeRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[calculator_pb2.FactorizeResponse]:
        interval_nanos = _nanos(request.interval) if request.HasField("interval") else 0
        calculator.check_factorize(request.number, interval_nanos)
        for factor in calculator.prime_factors(request.number):
            # A cancelled call cancels this task, so the sleep ends at once with CancelledError.
            if interval_nanos:
                await asyncio.sleep(interval_nanos / 1e9)
            yield calculator_pb2.FactorizeResponse(factor=factor)

    async def Sum(
        self,
        request_iterator: AsyncIterable[calculator_pb2.SumRequest],
        context: grpc.aio.ServicerContext,
    ) -> calculator_pb2.SumResponse:
        total = calculator.Sum()
        async for request in request_iterator:
            total.add(_number_field(request, "value"))
        return calculator_pb2.SumResponse(count=total.count, sum=_to_number(total.total()))

    async def RunningAverage(
        self,
        request_iterator: AsyncIterable[calculator_pb2.RunningAverageRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[calculator_pb2.RunningAverageResponse]:
        average = calculator.RunningAverage()
        async for request in request_iterator:
            value = average.add(request.value)
            yield calculator_pb2.RunningAverageResponse(count=average.count, average=value)

    async def Statistics(
        self, request: calculator_pb2.StatisticsRequest, context: grpc.aio.ServicerContext
    ) -> calculator_pb2.StatisticsResponse:
        result = calculator.statistics(request.values)
        return calculator_pb2.StatisticsResponse(
            count=result.count,
            sum=result.sum,
            min=result.min,
            max=result.max,
            mean=result.mean,
            sorted=result.sorted if request.include_sorted else [],
        )

    async def Range(
        self, request: calculator_pb2.RangeRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[calculator_pb2.RangeResponse]:
        calculator.check_range(request.start, request.count)
        # grpc.aio resumes the generator only once the previous message is sent, so flow control
        # paces it and nothing piles up; a cancelled call ends it at the pending send.
        for value in range(request.start, request.start + request.count):
            yield calculator_pb2.RangeResponse(value=value)


def _number_field(message: Message, name: str) -> calculator.Number | None:
    """The value of a Number field; None when the field, or the oneof inside it, is unset."""
    if not message.HasField(name):
        return None
    number = getattr(message, name)
    kind = number.WhichOneof("value")
    return None if kind is None else getattr(number, kind)


def _to_number(value: calculator.Number) -> calculator_pb2.Number:
    if isinstance(value, int):
        return calculator_pb2.Number(integer=value)
    return calculator_pb2.Number(real=value)


def _nanos(duration: duration_pb2.Duration) -> int:
    return duration.seconds * 1_000_000_000 + duration.nanos
