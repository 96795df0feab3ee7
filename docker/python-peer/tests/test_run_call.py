"""RunCall and RunCalls through a running peer, aimed at that same peer."""

import time

import grpc
import pytest
from calculator.v1 import calculator_pb2
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

CALCULATE = "calculator.v1.CalculatorService/Calculate"
FACTORIZE = "calculator.v1.CalculatorService/Factorize"
SUM = "calculator.v1.CalculatorService/Sum"
RUNNING_AVERAGE = "calculator.v1.CalculatorService/RunningAverage"
ECHO_STATUS = "interop.v1.PeerControlService/EchoStatus"

TIMEOUT = duration_pb2.Duration(seconds=10)
# The control calls' own deadline: longer than the described calls' TIMEOUT, so that a described
# call that runs out its deadline is still reported.
CONTROL_TIMEOUT_SECONDS = 20
UNIMPLEMENTED = grpc.StatusCode.UNIMPLEMENTED.value[0]
INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT


def packed(message: Message) -> any_pb2.Any:
    result = any_pb2.Any()
    result.Pack(message)
    return result


def integer(value: int) -> calculator_pb2.Number:
    return calculator_pb2.Number(integer=value)


def add(left: int, right: int) -> calculator_pb2.CalculateRequest:
    return calculator_pb2.CalculateRequest(
        operation=calculator_pb2.OPERATION_ADD, left=integer(left), right=integer(right)
    )


def call(target: str, method: str, *requests: Message, **fields) -> peer_control_pb2.RunCallRequest:
    return peer_control_pb2.RunCallRequest(
        target=target,
        method=method,
        requests=[packed(request) for request in requests],
        timeout=TIMEOUT,
        **fields,
    )


def raw_call(target: str, method: str, *requests: bytes) -> peer_control_pb2.RunCallRequest:
    return peer_control_pb2.RunCallRequest(
        target=target,
        method=method,
        requests=[any_pb2.Any(value=request) for request in requests],
        timeout=TIMEOUT,
        raw=True,
    )


class TestRawCalls:
    @pytest.mark.parametrize(
        "method", ["calculator.v1.CalculatorService/Nope", "nope.v1.Nope/Nope"]
    )
    async def test_an_unknown_method_or_service_is_unimplemented(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str, method: str
    ) -> None:
        report = await control.RunCall(
            raw_call(target, method, b""), timeout=CONTROL_TIMEOUT_SECONDS
        )
        assert report.status.code == UNIMPLEMENTED

    async def test_bytes_that_do_not_parse_fail_the_call_not_the_server(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        report = await control.RunCall(
            raw_call(target, CALCULATE, b"\xff\x01"), timeout=CONTROL_TIMEOUT_SECONDS
        )
        # grpc.aio answers UNKNOWN here; other libraries INTERNAL. Either is an error status.
        assert report.status.code != 0
        assert list(report.responses) == []
        after = await control.RunCall(
            call(target, CALCULATE, add(2, 3)), timeout=CONTROL_TIMEOUT_SECONDS
        )
        assert after.status.code == 0

    async def test_an_unknown_field_is_ignored_and_responses_come_back_as_bytes(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        field_99_varint = bytes.fromhex("98062a")  # tag (99 << 3 | 0) as a varint, then 42
        request = add(2, 3).SerializeToString() + field_99_varint
        report = await control.RunCall(
            raw_call(target, CALCULATE, request), timeout=CONTROL_TIMEOUT_SECONDS
        )
        assert report.status.code == 0
        [response] = report.responses
        assert response.type_url == ""
        assert calculator_pb2.CalculateResponse.FromString(response.value).result == integer(5)

    async def test_streams_carry_every_request_and_response(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        values = [calculator_pb2.RunningAverageRequest(value=v) for v in (1.0, 3.0)]
        report = await control.RunCall(
            raw_call(target, RUNNING_AVERAGE, *(v.SerializeToString() for v in values)),
            timeout=CONTROL_TIMEOUT_SECONDS,
        )
        averages = [
            calculator_pb2.RunningAverageResponse.FromString(r.value).average
            for r in report.responses
        ]
        assert (report.status.code, averages) == (0, [1.0, 2.0])

    async def test_a_method_is_still_required(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await control.RunCall(raw_call(target, "", b""), timeout=CONTROL_TIMEOUT_SECONDS)
        assert refused.value.code() == INVALID_ARGUMENT


class TestRunCalls:
    async def test_sixty_mixed_calls_are_reported_in_order(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        calls = []
        for i in range(15):
            calls.append(call(target, CALCULATE, add(i, 1)))
            calls.append(call(target, FACTORIZE, calculator_pb2.FactorizeRequest(number=12)))
            calls.append(
                call(target, SUM, *(calculator_pb2.SumRequest(value=integer(v)) for v in (i, 2)))
            )
            calls.append(
                call(
                    target,
                    RUNNING_AVERAGE,
                    *(calculator_pb2.RunningAverageRequest(value=v) for v in (1.0, 2.0, 3.0)),
                    ping_pong=True,
                )
            )
        reply = await control.RunCalls(
            peer_control_pb2.RunCallsRequest(calls=calls), timeout=CONTROL_TIMEOUT_SECONDS
        )

        assert len(reply.results) == 60
        assert {result.status.code for result in reply.results} == {0}
        for i in range(15):
            calculated, factors, total, averages = reply.results[4 * i : 4 * i + 4]
            assert unpacked(calculated, calculator_pb2.CalculateResponse).result == integer(i + 1)
            assert len(factors.responses) == 3
            assert unpacked(total, calculator_pb2.SumResponse).sum == integer(i + 2)
            assert len(averages.responses) == 3

    async def test_calls_run_at_the_same_time(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        # One prime factor after a 0.5 s wait: ten calls one after another would take 5 s.
        slow = calculator_pb2.FactorizeRequest(
            number=7, interval=duration_pb2.Duration(nanos=500_000_000)
        )
        started = time.monotonic()
        reply = await control.RunCalls(
            peer_control_pb2.RunCallsRequest(calls=[call(target, FACTORIZE, slow)] * 10),
            timeout=CONTROL_TIMEOUT_SECONDS,
        )
        assert [len(result.responses) for result in reply.results] == [1] * 10
        assert time.monotonic() - started < 2.5

    async def test_one_invalid_description_refuses_the_batch_and_names_it(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        calls = [call(target, CALCULATE, add(1, 1)) for _ in range(5)]
        calls[3].ClearField("timeout")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await control.RunCalls(
                peer_control_pb2.RunCallsRequest(calls=calls), timeout=CONTROL_TIMEOUT_SECONDS
            )
        assert refused.value.code() == INVALID_ARGUMENT
        assert refused.value.details() == "call 3: timeout is required"


class TestEchoStatus:
    SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"

    async def test_code_and_message_round_trip_exactly_without_details(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        request = peer_control_pb2.EchoStatusRequest(code=2, message=self.SPECIAL_MESSAGE)
        report = await control.RunCall(
            call(target, ECHO_STATUS, request), timeout=CONTROL_TIMEOUT_SECONDS
        )
        assert (report.status.code, report.status.message) == (2, self.SPECIAL_MESSAGE)
        assert report.status.details == b""

    async def test_code_zero_is_ok_with_an_empty_response(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        request = peer_control_pb2.EchoStatusRequest(code=0, message="ignored")
        report = await control.RunCall(
            call(target, ECHO_STATUS, request), timeout=CONTROL_TIMEOUT_SECONDS
        )
        assert (report.status.code, report.status.message) == (0, "")
        [response] = report.responses
        assert unpacked(report, peer_control_pb2.EchoStatusResponse) == (
            peer_control_pb2.EchoStatusResponse()
        )
        assert response.type_url == "type.googleapis.com/interop.v1.EchoStatusResponse"

    async def test_the_metadata_echo_still_applies(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        request = peer_control_pb2.EchoStatusRequest(code=9, message="no")
        echo = peer_control_pb2.MetadataEntry(key="x-grpc-test-echo-trailing-bin", binary=b"\x00")
        report = await control.RunCall(
            call(target, ECHO_STATUS, request, metadata=[echo]), timeout=CONTROL_TIMEOUT_SECONDS
        )
        assert report.status.code == 9
        assert list(report.trailers) == [echo]


def unpacked(report: peer_control_pb2.RunCallResponse, message_type: type[Message]) -> Message:
    [response] = report.responses
    message = message_type()
    assert response.Unpack(message)
    return message
