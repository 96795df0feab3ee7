"""What the peer's server does for every call: response compression on request, message limits,
the records GetServerCall reads, errors with their google.rpc.Status details."""

import re
from collections.abc import AsyncIterator

import grpc
import pytest
from calculator.v1 import calculator_pb2, calculator_pb2_grpc
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

from peer.server import PeerServer
from peer.server_calls import host_port

RESPONSE_COMPRESSION = "x-interop-response-compression"
IDENTITY_AND_DEFLATE = 0b011
TIMEOUT_SECONDS = 10


@pytest.fixture
async def gzip_refusing_calculator(
    peer: PeerServer,
) -> AsyncIterator[calculator_pb2_grpc.CalculatorServiceStub]:
    # A client that refuses gzip fails any call whose responses are gzip-compressed: the one way
    # a grpcio client can tell that the server compressed.
    options = [("grpc.compression_enabled_algorithms_bitset", IDENTITY_AND_DEFLATE)]
    async with grpc.aio.insecure_channel(f"localhost:{peer.port}", options=options) as channel:
        yield calculator_pb2_grpc.CalculatorServiceStub(channel)


class TestResponseCompression:
    REQUEST = calculator_pb2.StatisticsRequest(values=[1.0] * 1000, include_sorted=True)

    async def test_gzip_when_asked(
        self, gzip_refusing_calculator: calculator_pb2_grpc.CalculatorServiceStub
    ) -> None:
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await gzip_refusing_calculator.Statistics(
                self.REQUEST, metadata=((RESPONSE_COMPRESSION, "gzip"),), timeout=TIMEOUT_SECONDS
            )
        assert "gzip" in failed.value.details()

    async def test_gzip_for_streamed_responses_too(
        self, gzip_refusing_calculator: calculator_pb2_grpc.CalculatorServiceStub
    ) -> None:
        factors = gzip_refusing_calculator.Factorize(
            calculator_pb2.FactorizeRequest(number=1024),
            metadata=((RESPONSE_COMPRESSION, "gzip"),),
            timeout=TIMEOUT_SECONDS,
        )
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            _ = [response async for response in factors]
        assert "gzip" in failed.value.details()

    async def test_none_unless_asked(
        self, gzip_refusing_calculator: calculator_pb2_grpc.CalculatorServiceStub
    ) -> None:
        response = await gzip_refusing_calculator.Statistics(self.REQUEST, timeout=TIMEOUT_SECONDS)
        assert response.count == 1000

    async def test_compressed_responses_arrive_intact(
        self, calculator: calculator_pb2_grpc.CalculatorServiceStub
    ) -> None:
        response = await calculator.Statistics(
            self.REQUEST, metadata=((RESPONSE_COMPRESSION, "gzip"),), timeout=TIMEOUT_SECONDS
        )
        assert list(response.sorted) == [1.0] * 1000

    async def test_an_unknown_algorithm_is_refused(
        self, calculator: calculator_pb2_grpc.CalculatorServiceStub
    ) -> None:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await calculator.Statistics(
                self.REQUEST, metadata=((RESPONSE_COMPRESSION, "br"),), timeout=TIMEOUT_SECONDS
            )
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_request_over_4_mib_is_refused_and_the_server_keeps_serving(
    calculator: calculator_pb2_grpc.CalculatorServiceStub,
) -> None:
    five_mib_of_doubles = calculator_pb2.StatisticsRequest(values=[0.5] * (5 * 1024 * 1024 // 8))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await calculator.Statistics(five_mib_of_doubles, timeout=TIMEOUT_SECONDS)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    response = await calculator.Statistics(
        calculator_pb2.StatisticsRequest(values=[0.5]), timeout=TIMEOUT_SECONDS
    )
    assert response.count == 1


async def test_factorize_answers_about_the_number_when_the_interval_is_wrong_too(
    calculator: calculator_pb2_grpc.CalculatorServiceStub,
) -> None:
    both_out_of_range = calculator_pb2.FactorizeRequest(
        number=0, interval=duration_pb2.Duration(seconds=11)
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        _ = [
            factor
            async for factor in calculator.Factorize(both_out_of_range, timeout=TIMEOUT_SECONDS)
        ]
    assert (refused.value.code(), refused.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "number must be between 1 and 1000000000000",
    )
    [detail] = rpc_status.from_call(refused.value).details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("number", "out of range")
    ]


async def test_get_server_call_tells_one_connection_from_another(
    peer: PeerServer,
    channel: grpc.aio.Channel,
    control: peer_control_pb2_grpc.PeerControlServiceStub,
) -> None:
    async def peer_of(on: grpc.aio.Channel, call_id: str) -> str:
        await calculator_pb2_grpc.CalculatorServiceStub(on).Statistics(
            calculator_pb2.StatisticsRequest(values=[0.5]),
            metadata=(("x-interop-call-id", call_id),),
            timeout=TIMEOUT_SECONDS,
        )
        found = await control.GetServerCall(
            peer_control_pb2.GetServerCallRequest(call_id=call_id), timeout=TIMEOUT_SECONDS
        )
        return found.peer

    # gRPC core shares connections between channels with equal arguments unless told otherwise.
    own_connection = [("grpc.use_local_subchannel_pool", 1)]
    async with grpc.aio.insecure_channel(f"localhost:{peer.port}", options=own_connection) as other:
        first, again, elsewhere = (
            await peer_of(channel, "first"),
            await peer_of(channel, "again"),
            await peer_of(other, "elsewhere"),
        )
    assert re.fullmatch(r"(127\.0\.0\.1|\[::1\]):\d+", first)
    assert first == again != elsewhere


@pytest.mark.parametrize(
    ("core", "contract"),
    [
        ("ipv4:10.0.0.2:5000", "10.0.0.2:5000"),
        ("ipv6:%5B::1%5D:5000", "[::1]:5000"),
        ("unix:/tmp/socket", "unix:/tmp/socket"),
    ],
)
def test_host_port(core: str, contract: str) -> None:
    assert host_port(core) == contract
