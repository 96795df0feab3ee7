"""Transport and deployment: the server-id header, TLS and mTLS, SetServing, channel configs."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import grpc
import pytest
from calculator.v1 import calculator_pb2, calculator_pb2_grpc
from google.protobuf import any_pb2, duration_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

from peer.calculator_service import CalculatorService
from peer.channels import Channels
from peer.server import PeerServer, ServerTls
from tests.certificates import CertificateAuthority

CALCULATE = "calculator.v1.CalculatorService/Calculate"
SERVER_ID = "x-interop-server-id"
OK = grpc.StatusCode.OK.value[0]
UNAVAILABLE = grpc.StatusCode.UNAVAILABLE.value[0]
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
# The tests' own RPCs: longer than any described call's timeout (at most 10 s), so that RunCall
# still reports a described call that runs out its deadline.
TIMEOUT_SECONDS = 20


def add_one_and_one() -> any_pb2.Any:
    one = calculator_pb2.Number(integer=1)
    packed = any_pb2.Any()
    packed.Pack(
        calculator_pb2.CalculateRequest(operation=calculator_pb2.OPERATION_ADD, left=one, right=one)
    )
    return packed


def calculate(
    target: str, channel: peer_control_pb2.ChannelConfig | None = None, timeout_seconds: int = 10
) -> peer_control_pb2.RunCallRequest:
    return peer_control_pb2.RunCallRequest(
        target=target,
        method=CALCULATE,
        requests=[add_one_and_one()],
        timeout=duration_pb2.Duration(seconds=timeout_seconds),
        channel=channel,
    )


def server_id(report: peer_control_pb2.RunCallResponse) -> str:
    [value] = [entry.text for entry in report.headers if entry.key == SERVER_ID]
    return value


@pytest.fixture(scope="module")
def authority() -> CertificateAuthority:
    return CertificateAuthority("interop test CA")


@pytest.fixture(scope="module")
def other_authority() -> CertificateAuthority:
    return CertificateAuthority("some other CA")


async def started(server: PeerServer) -> PeerServer:
    await server.start()
    return server


class TestServerId:
    async def test_every_answer_names_the_server(
        self,
        peer: PeerServer,
        calculator: calculator_pb2_grpc.CalculatorServiceStub,
    ) -> None:
        request = calculator_pb2.CalculateRequest()
        request.ParseFromString(add_one_and_one().value)
        call = calculator.Calculate(request, timeout=TIMEOUT_SECONDS)
        await call
        assert dict(await call.initial_metadata())[SERVER_ID] == peer.server_id

    async def test_a_failed_call_too(
        self, peer: PeerServer, calculator: calculator_pb2_grpc.CalculatorServiceStub
    ) -> None:
        # No operation: INVALID_ARGUMENT, after the headers went out.
        call = calculator.Calculate(calculator_pb2.CalculateRequest(), timeout=TIMEOUT_SECONDS)
        with pytest.raises(grpc.aio.AioRpcError):
            await call
        assert dict(await call.initial_metadata())[SERVER_ID] == peer.server_id

    async def test_the_id_given_and_the_echo_side_by_side(self) -> None:
        server = await started(PeerServer(0, server_id="replica-7"))
        try:
            async with grpc.aio.insecure_channel(f"localhost:{server.port}") as channel:
                call = calculator_pb2_grpc.CalculatorServiceStub(channel).Calculate(
                    calculator_pb2.CalculateRequest(),
                    metadata=(("x-grpc-test-echo-initial", "hi"),),
                    timeout=TIMEOUT_SECONDS,
                )
                with pytest.raises(grpc.aio.AioRpcError):
                    await call
                headers = dict(await call.initial_metadata())
            assert (headers[SERVER_ID], headers["x-grpc-test-echo-initial"]) == ("replica-7", "hi")
        finally:
            await server.stop(0)

    async def test_the_host_name_by_default(self, peer: PeerServer) -> None:
        assert peer.server_id == socket.gethostname()


class TestTls:
    @pytest.fixture
    async def tls_peer(self, authority: CertificateAuthority) -> AsyncIterator[PeerServer]:
        leaf = authority.issue("localhost", server=True)
        tls = ServerTls(port=0, certificate_chain=leaf.certificate, private_key=leaf.private_key)
        server = await started(PeerServer(0, tls=tls))
        yield server
        await server.stop(0)

    @pytest.fixture
    async def control(
        self, tls_peer: PeerServer
    ) -> AsyncIterator[peer_control_pb2_grpc.PeerControlServiceStub]:
        async with grpc.aio.insecure_channel(f"localhost:{tls_peer.port}") as channel:
            yield peer_control_pb2_grpc.PeerControlServiceStub(channel)

    async def test_run_call_over_tls_to_the_tls_port(
        self, tls_peer: PeerServer, control, authority: CertificateAuthority
    ) -> None:
        config = peer_control_pb2.ChannelConfig(
            tls=peer_control_pb2.Tls(ca_cert=authority.certificate)
        )
        report = await control.RunCall(
            calculate(f"localhost:{tls_peer.tls_port}", config), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == OK, report.status.message
        assert server_id(report) == tls_peer.server_id

    async def test_an_unknown_ca_fails_the_call_within_its_deadline(
        self, tls_peer: PeerServer, control, other_authority: CertificateAuthority
    ) -> None:
        config = peer_control_pb2.ChannelConfig(
            tls=peer_control_pb2.Tls(ca_cert=other_authority.certificate)
        )
        began = time.monotonic()
        report = await control.RunCall(
            calculate(f"localhost:{tls_peer.tls_port}", config, 5), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == UNAVAILABLE
        assert time.monotonic() - began < 5

    async def test_the_host_name_is_verified(
        self, tls_peer: PeerServer, control, authority: CertificateAuthority
    ) -> None:
        config = peer_control_pb2.ChannelConfig(
            tls=peer_control_pb2.Tls(ca_cert=authority.certificate)
        )
        report = await control.RunCall(
            calculate(f"127.0.0.1:{tls_peer.tls_port}", config, 5), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == UNAVAILABLE

    async def test_tls_to_the_plaintext_port_fails(
        self, tls_peer: PeerServer, control, authority: CertificateAuthority
    ) -> None:
        config = peer_control_pb2.ChannelConfig(
            tls=peer_control_pb2.Tls(ca_cert=authority.certificate)
        )
        report = await control.RunCall(
            calculate(f"localhost:{tls_peer.port}", config, 5), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == UNAVAILABLE

    async def test_plaintext_to_the_tls_port_fails(self, tls_peer: PeerServer, control) -> None:
        report = await control.RunCall(
            calculate(f"localhost:{tls_peer.tls_port}", None, 5), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == UNAVAILABLE


class TestMutualTls:
    @pytest.fixture
    async def mtls_peer(self, authority: CertificateAuthority) -> AsyncIterator[PeerServer]:
        leaf = authority.issue("localhost", server=True)
        tls = ServerTls(
            port=0,
            certificate_chain=leaf.certificate,
            private_key=leaf.private_key,
            client_ca=authority.certificate,
        )
        server = await started(PeerServer(0, tls=tls))
        yield server
        await server.stop(0)

    @pytest.fixture
    async def control(
        self, mtls_peer: PeerServer
    ) -> AsyncIterator[peer_control_pb2_grpc.PeerControlServiceStub]:
        async with grpc.aio.insecure_channel(f"localhost:{mtls_peer.port}") as channel:
            yield peer_control_pb2_grpc.PeerControlServiceStub(channel)

    def config(
        self, authority: CertificateAuthority, client_ca: CertificateAuthority | None
    ) -> peer_control_pb2.ChannelConfig:
        tls = peer_control_pb2.Tls(ca_cert=authority.certificate)
        if client_ca is not None:
            client = client_ca.issue("interop-client", server=False)
            tls.client_cert, tls.client_key = client.certificate, client.private_key
        return peer_control_pb2.ChannelConfig(tls=tls)

    async def test_a_client_certificate_from_the_ca_is_accepted(
        self, mtls_peer: PeerServer, control, authority: CertificateAuthority
    ) -> None:
        config = self.config(authority, client_ca=authority)
        report = await control.RunCall(
            calculate(f"localhost:{mtls_peer.tls_port}", config), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == OK, report.status.message

    async def test_no_client_certificate_is_refused(
        self, mtls_peer: PeerServer, control, authority: CertificateAuthority
    ) -> None:
        config = self.config(authority, client_ca=None)
        report = await control.RunCall(
            calculate(f"localhost:{mtls_peer.tls_port}", config, 5), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == UNAVAILABLE

    async def test_a_client_certificate_from_another_ca_is_refused_and_the_server_serves_on(
        self,
        mtls_peer: PeerServer,
        control,
        authority: CertificateAuthority,
        other_authority: CertificateAuthority,
    ) -> None:
        wrong = self.config(authority, client_ca=other_authority)
        report = await control.RunCall(
            calculate(f"localhost:{mtls_peer.tls_port}", wrong, 5), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == UNAVAILABLE
        right = self.config(authority, client_ca=authority)
        report = await control.RunCall(
            calculate(f"localhost:{mtls_peer.tls_port}", right), timeout=TIMEOUT_SECONDS
        )
        assert report.status.code == OK, report.status.message


class TestSetServing:
    SERVICES = ("", "calculator.v1.CalculatorService", "interop.v1.PeerControlService")

    async def statuses(self, channel: grpc.aio.Channel) -> set[int]:
        health = health_pb2_grpc.HealthStub(channel)
        return {
            (
                await health.Check(
                    health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT_SECONDS
                )
            ).status
            for service in self.SERVICES
        }

    async def test_check_and_watch_follow_it(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, channel: grpc.aio.Channel
    ) -> None:
        watch = health_pb2_grpc.HealthStub(channel).Watch(
            health_pb2.HealthCheckRequest(), timeout=TIMEOUT_SECONDS
        )
        assert (await watch.read()).status == SERVING

        await control.SetServing(
            peer_control_pb2.SetServingRequest(serving=False), timeout=TIMEOUT_SECONDS
        )
        assert await self.statuses(channel) == {NOT_SERVING}
        assert (await watch.read()).status == NOT_SERVING

        await control.SetServing(
            peer_control_pb2.SetServingRequest(serving=True), timeout=TIMEOUT_SECONDS
        )
        assert await self.statuses(channel) == {SERVING}
        assert (await watch.read()).status == SERVING
        watch.cancel()


class TestChannelConfig:
    async def test_one_channel_per_target_and_config(self) -> None:
        channels = Channels()
        keepalive = peer_control_pb2.Keepalive(time=duration_pb2.Duration(seconds=30))
        round_robin = peer_control_pb2.ChannelConfig(load_balancing_policy="round_robin")
        both = peer_control_pb2.ChannelConfig(
            load_balancing_policy="round_robin", keepalive=keepalive
        )
        same_both = peer_control_pb2.ChannelConfig(keepalive=keepalive)
        same_both.load_balancing_policy = "round_robin"
        try:
            plain = channels.get("localhost:1", peer_control_pb2.ChannelConfig())
            assert channels.get("localhost:1", peer_control_pb2.ChannelConfig()) is plain
            assert channels.get("localhost:2", peer_control_pb2.ChannelConfig()) is not plain
            assert channels.get("localhost:1", round_robin) is not plain
            assert channels.get("localhost:1", both) is channels.get("localhost:1", same_both)
            assert channels.get("localhost:1", both) is not channels.get("localhost:1", round_robin)
        finally:
            await channels.close()

    async def test_an_unknown_policy_is_refused(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, target: str
    ) -> None:
        config = peer_control_pb2.ChannelConfig(load_balancing_policy="least_request_please")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await control.RunCall(calculate(target, config), timeout=TIMEOUT_SECONDS)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "least_request_please" in refused.value.details()


class TestLoadBalancing:
    """Two replicas behind one target: C-core's ipv4: scheme takes a list of addresses."""

    @pytest.fixture
    async def replicas(self) -> AsyncIterator[list[PeerServer]]:
        servers = [await started(PeerServer(0, server_id=f"replica-{n}")) for n in (1, 2)]
        yield servers
        for server in servers:
            await server.stop(0)

    def target(self, replicas: list[PeerServer]) -> str:
        return "ipv4:" + ",".join(f"127.0.0.1:{server.port}" for server in replicas)

    async def served_by(
        self,
        control: peer_control_pb2_grpc.PeerControlServiceStub,
        target: str,
        config: peer_control_pb2.ChannelConfig,
    ) -> set[str]:
        # The first call makes the channel, which then connects to every address; calls made before
        # the others are ready all go to the first one ready.
        await control.RunCall(calculate(target, config), timeout=TIMEOUT_SECONDS)
        await asyncio.sleep(0.5)
        reply = await control.RunCalls(
            peer_control_pb2.RunCallsRequest(calls=[calculate(target, config)] * 10),
            timeout=TIMEOUT_SECONDS,
        )
        assert {result.status.code for result in reply.results} == {OK}
        return {server_id(result) for result in reply.results}

    async def test_round_robin_uses_every_replica(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, replicas: list[PeerServer]
    ) -> None:
        config = peer_control_pb2.ChannelConfig(load_balancing_policy="round_robin")
        served = await self.served_by(control, self.target(replicas), config)
        assert served == {"replica-1", "replica-2"}

    async def test_pick_first_uses_one(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, replicas: list[PeerServer]
    ) -> None:
        config = peer_control_pb2.ChannelConfig(load_balancing_policy="pick_first")
        assert len(await self.served_by(control, self.target(replicas), config)) == 1

    async def test_health_checking_skips_a_replica_not_serving(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub, replicas: list[PeerServer]
    ) -> None:
        config = peer_control_pb2.ChannelConfig(
            load_balancing_policy="round_robin", health_check=True
        )
        target = self.target(replicas)
        assert await self.served_by(control, target, config) == {"replica-1", "replica-2"}
        async with grpc.aio.insecure_channel(f"localhost:{replicas[0].port}") as channel:
            await peer_control_pb2_grpc.PeerControlServiceStub(channel).SetServing(
                peer_control_pb2.SetServingRequest(serving=False), timeout=TIMEOUT_SECONDS
            )
        await asyncio.sleep(0.5)  # The client learns it through its Watch stream.
        assert await self.served_by(control, target, config) == {"replica-2"}


class TestKeepalive:
    async def test_a_goaway_for_too_many_pings_ends_the_call_unavailable(
        self, control: peer_control_pb2_grpc.PeerControlServiceStub
    ) -> None:
        # A server that allows one ping per minute without data, and answers the first ping too
        # many with GOAWAY too_many_pings; the call (a slow Factorize) sends no data meanwhile.
        strict = grpc.aio.server(
            options=[
                ("grpc.http2.min_ping_interval_without_data_ms", 60_000),
                ("grpc.http2.max_ping_strikes", 1),
            ]
        )
        calculator_pb2_grpc.add_CalculatorServiceServicer_to_server(CalculatorService(), strict)
        port = strict.add_insecure_port("127.0.0.1:0")
        await strict.start()
        try:
            packed = any_pb2.Any()
            packed.Pack(
                calculator_pb2.FactorizeRequest(number=7, interval=duration_pb2.Duration(seconds=8))
            )
            keepalive = peer_control_pb2.Keepalive(
                time=duration_pb2.Duration(nanos=100_000_000),
                timeout=duration_pb2.Duration(seconds=1),
            )
            began = time.monotonic()
            report = await control.RunCall(
                peer_control_pb2.RunCallRequest(
                    target=f"127.0.0.1:{port}",
                    method="calculator.v1.CalculatorService/Factorize",
                    requests=[packed],
                    timeout=duration_pb2.Duration(seconds=10),
                    channel=peer_control_pb2.ChannelConfig(keepalive=keepalive),
                ),
                timeout=TIMEOUT_SECONDS,
            )
            assert report.status.code == UNAVAILABLE, report.status
            assert time.monotonic() - began < 8
        finally:
            await strict.stop(0)
