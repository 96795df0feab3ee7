"""Range through a running peer: the integers, the empty range, and both errors with their details."""

import grpc
import pytest
from calculator.v1 import calculator_pb2, calculator_pb2_grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from peer.calculator import INT64_MAX, INT64_MIN

TIMEOUT_SECONDS = 10


async def values(
    calculator: calculator_pb2_grpc.CalculatorServiceStub, start: int, count: int
) -> list[int]:
    call = calculator.Range(
        calculator_pb2.RangeRequest(start=start, count=count), timeout=TIMEOUT_SECONDS
    )
    return [response.value async for response in call]


async def refusal(
    calculator: calculator_pb2_grpc.CalculatorServiceStub, start: int, count: int
) -> grpc.aio.AioRpcError:
    call = calculator.Range(
        calculator_pb2.RangeRequest(start=start, count=count), timeout=TIMEOUT_SECONDS
    )
    received = []
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        async for response in call:
            received.append(response.value)
    assert received == [], "the error comes before any integer"
    return refused.value


async def test_the_integers_from_start_one_message_each(
    calculator: calculator_pb2_grpc.CalculatorServiceStub,
) -> None:
    assert await values(calculator, -2, 5) == [-2, -1, 0, 1, 2]


async def test_a_range_up_to_the_int64_maximum(
    calculator: calculator_pb2_grpc.CalculatorServiceStub,
) -> None:
    assert await values(calculator, INT64_MAX - 2, 3) == [INT64_MAX - 2, INT64_MAX - 1, INT64_MAX]


async def test_many_integers_arrive_in_order(
    calculator: calculator_pb2_grpc.CalculatorServiceStub,
) -> None:
    assert await values(calculator, 1000, 3000) == list(range(1000, 4000))


@pytest.mark.parametrize("start", [0, INT64_MAX, INT64_MIN])
async def test_count_zero_is_an_empty_stream_whatever_the_start(
    calculator: calculator_pb2_grpc.CalculatorServiceStub, start: int
) -> None:
    assert await values(calculator, start, 0) == []


@pytest.mark.parametrize("count", [-1, 1_000_001])
async def test_a_count_out_of_range_is_invalid_with_a_field_violation(
    calculator: calculator_pb2_grpc.CalculatorServiceStub, count: int
) -> None:
    refused = await refusal(calculator, INT64_MAX, count)
    assert (refused.code(), refused.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "count must be between 0 and 1000000",
    )
    status = rpc_status.from_call(refused)
    assert (status.code, status.message) == (3, "count must be between 0 and 1000000")
    [detail] = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("count", "out of range")
    ]


async def test_a_last_integer_above_int64_is_an_overflow_without_details(
    calculator: calculator_pb2_grpc.CalculatorServiceStub,
) -> None:
    refused = await refusal(calculator, INT64_MAX - 1, 3)
    assert (refused.code(), refused.details()) == (
        grpc.StatusCode.OUT_OF_RANGE,
        "integer overflow",
    )
    status = rpc_status.from_call(refused)
    assert (status.code, status.message, list(status.details)) == (11, "integer overflow", [])
