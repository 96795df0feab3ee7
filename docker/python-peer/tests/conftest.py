"""A real peer server on a free port, for the tests that go through gRPC."""

from collections.abc import AsyncIterator

import grpc
import pytest
from calculator.v1 import calculator_pb2_grpc
from interop.v1 import peer_control_pb2_grpc

from peer.server import PeerServer


@pytest.fixture
async def peer() -> AsyncIterator[PeerServer]:
    server = PeerServer(0)
    await server.start()
    yield server
    await server.stop(0)


@pytest.fixture
def target(peer: PeerServer) -> str:
    """The peer's own address: RunCall aimed at it exercises its client and its server together."""
    return f"localhost:{peer.port}"


@pytest.fixture
async def channel(target: str) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(target) as channel:
        yield channel


@pytest.fixture
def control(channel: grpc.aio.Channel) -> peer_control_pb2_grpc.PeerControlServiceStub:
    return peer_control_pb2_grpc.PeerControlServiceStub(channel)


@pytest.fixture
def calculator(channel: grpc.aio.Channel) -> calculator_pb2_grpc.CalculatorServiceStub:
    return calculator_pb2_grpc.CalculatorServiceStub(channel)
