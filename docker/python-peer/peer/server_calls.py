"""What the server saw of the calls that carried an "x-interop-call-id", for GetServerCall."""

from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass
class ServerCall:
    method: str
    # Seconds the call had left when its handler started; None when it had no deadline.
    deadline_remaining: float | None
    cancelled: bool = False
    # The compression applied to the responses ("gzip"), or "" when they went uncompressed.
    response_compression: str = ""
    # The client's address, "ip:port": calls with the same one came on the same connection.
    peer: str = ""


def host_port(peer: str) -> str:
    """gRPC Core's "ipv4:10.0.0.2:5000" or "ipv6:%5B::1%5D:5000" as the contract's "ip:port"."""
    scheme, _, address = peer.partition(":")
    return unquote(address) if scheme in ("ipv4", "ipv6") else peer


class ServerCallLog:
    """The most recent calls by id; the oldest are forgotten so that a long run stays bounded."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._calls: OrderedDict[str, ServerCall] = OrderedDict()

    def add(self, call_id: str, call: ServerCall) -> None:
        self._calls[call_id] = call
        self._calls.move_to_end(call_id)
        while len(self._calls) > self._capacity:
            self._calls.popitem(last=False)

    def find(self, call_id: str) -> ServerCall | None:
        return self._calls.get(call_id)
