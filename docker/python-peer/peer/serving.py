"""The health the server reports (grpc.health.v1), the same for every service it serves."""

from collections.abc import Iterable

from grpc_health.v1 import health, health_pb2

_SERVING = health_pb2.HealthCheckResponse.SERVING
_NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class ServingStatus:
    """Sets the status of the whole server ("") and of each service it serves at once.

    Check and Watch both read the servicer's state, so a health-checking client (one that watches
    "") sees every change as it happens.
    """

    def __init__(self, services: Iterable[str]) -> None:
        self.servicer = health.aio.HealthServicer()
        self._services = ("", *services)

    async def set(self, serving: bool) -> None:
        # Once a shutdown started, the servicer ignores this and stays NOT_SERVING.
        for service in self._services:
            await self.servicer.set(service, _SERVING if serving else _NOT_SERVING)

    async def shut_down(self) -> None:
        """NOT_SERVING for good: set() no longer changes anything."""
        await self.servicer.enter_graceful_shutdown()
