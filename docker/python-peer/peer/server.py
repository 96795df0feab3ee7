"""The peer's gRPC server: calculator, peer control, health and reflection on one plaintext port,
and on a TLS port too when given a certificate."""

import asyncio
import logging
import signal
import socket
from dataclasses import dataclass

import grpc
from calculator.v1 import calculator_pb2, calculator_pb2_grpc
from grpc_health.v1 import health, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from interop.v1 import peer_control_pb2, peer_control_pb2_grpc

from peer.calculator_service import CalculatorService
from peer.call_interceptor import CallInterceptor
from peer.call_runner import CallRunner
from peer.load_runner import LoadRunner
from peer.peer_control_service import PeerControlService
from peer.server_calls import ServerCallLog
from peer.serving import ServingStatus

log = logging.getLogger(__name__)

# In-flight calls get this long to finish once a shutdown starts.
SHUTDOWN_GRACE_SECONDS = 5.0

CALCULATOR_SERVICE = calculator_pb2.DESCRIPTOR.services_by_name["CalculatorService"].full_name
PEER_CONTROL_SERVICE = peer_control_pb2.DESCRIPTOR.services_by_name["PeerControlService"].full_name


@dataclass(frozen=True)
class ServerTls:
    """The TLS port: the server's certificate and, for mTLS, the CA that must have signed its clients' certificates."""

    port: int
    certificate_chain: bytes
    private_key: bytes
    # PEM; when set, a client without a certificate signed by it is refused at the handshake.
    client_ca: bytes | None = None

    def credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials(
            [(self.private_key, self.certificate_chain)],
            root_certificates=self.client_ca,
            require_client_auth=self.client_ca is not None,
        )


class PeerServer:
    """Every service of the peer on one plaintext port, and on a TLS port when given one.

    The server keeps gRPC's default limit of 4 MiB on the messages it receives, so that a larger
    request is refused with RESOURCE_EXHAUSTED, as by every peer.
    """

    def __init__(
        self,
        port: int,
        *,
        server_id: str | None = None,
        tls: ServerTls | None = None,
        keepalive_permit_time_ms: int | None = None,
    ) -> None:
        self._call_runner = CallRunner()
        call_log = ServerCallLog()
        # The replica's name in every response's headers, for clients behind a load balancer.
        self.server_id = server_id or socket.gethostname()
        self._server = grpc.aio.server(
            interceptors=[CallInterceptor(call_log, self.server_id)],
            options=_keepalive_policy(keepalive_permit_time_ms),
        )
        calculator_pb2_grpc.add_CalculatorServiceServicer_to_server(
            CalculatorService(), self._server
        )
        self._serving = ServingStatus((CALCULATOR_SERVICE, PEER_CONTROL_SERVICE))
        peer_control_pb2_grpc.add_PeerControlServiceServicer_to_server(
            PeerControlService(
                self._call_runner, LoadRunner(self._call_runner), call_log, self._serving
            ),
            self._server,
        )
        health_pb2_grpc.add_HealthServicer_to_server(self._serving.servicer, self._server)
        reflection.enable_server_reflection(
            (
                CALCULATOR_SERVICE,
                PEER_CONTROL_SERVICE,
                health.SERVICE_NAME,
                reflection.SERVICE_NAME,
            ),
            self._server,
        )
        # Port 0 picks a free port, which tests use.
        self.port = self._server.add_insecure_port(f"0.0.0.0:{port}")
        self.tls_port: int | None = None
        if tls is not None:
            self.tls_port = self._server.add_secure_port(f"0.0.0.0:{tls.port}", tls.credentials())

    async def start(self) -> None:
        await self._serving.set(True)
        await self._server.start()

    async def stop(self, grace_seconds: float) -> None:
        """Refuses new calls, gives calls in flight the grace period, then cancels what is left."""
        await self._serving.shut_down()
        await self._server.stop(grace_seconds)
        # stop() cancels the calls still running when the grace period ends, but their tasks finish
        # only on later turns of the loop; returning at once would tear them down mid-cancellation.
        in_flight = asyncio.all_tasks() - {asyncio.current_task()}
        if in_flight:
            await asyncio.wait(in_flight, timeout=1.0)
        await self._call_runner.close()


def _keepalive_policy(permit_time_ms: int | None) -> list[tuple[str, int]]:
    """Client pings permitted this often, with or without calls; Core's own policy when None."""
    if permit_time_ms is None:
        return []
    return [
        ("grpc.keepalive_permit_without_calls", 1),
        # GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS: Core judges the pings that come
        # with no data in between, as on an idle connection.
        ("grpc.http2.min_ping_interval_without_data_ms", permit_time_ms),
    ]


async def serve(
    port: int,
    *,
    server_id: str | None = None,
    tls: ServerTls | None = None,
    keepalive_permit_time_ms: int | None = None,
) -> None:
    """Serves until SIGTERM or SIGINT, then shuts down gracefully."""
    server = PeerServer(
        port, server_id=server_id, tls=tls, keepalive_permit_time_ms=keepalive_permit_time_ms
    )
    await server.start()
    log.info("serving on port %d as server id %s", server.port, server.server_id)
    if server.tls_port is not None:
        mode = "mTLS, client certificate required" if tls and tls.client_ca else "TLS"
        log.info("serving on port %d with %s", server.tls_port, mode)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    await stop.wait()

    log.info(
        "shutting down: refusing new calls, in-flight calls get %.0f s", SHUTDOWN_GRACE_SECONDS
    )
    await server.stop(SHUTDOWN_GRACE_SECONDS)
    log.info("stopped")
