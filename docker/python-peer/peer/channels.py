"""The channels of the peer's client, made as a ChannelConfig says: RunCall's, one per target and
config, and RunLoad's, made for each load."""

import json

import grpc
from interop.v1 import peer_control_pb2

# RunCall reports large responses (Statistics with its sorted values), so its client accepts more
# than gRPC's default 4 MiB. The peer's server keeps the default.
MAX_RECEIVE_BYTES = 64 * 1024 * 1024

_LOAD_BALANCING_POLICIES = ("", "pick_first", "round_robin")


class Channels:
    def __init__(self) -> None:
        self._channels: dict[tuple[str, bytes], grpc.aio.Channel] = {}

    def get(self, target: str, config: peer_control_pb2.ChannelConfig) -> grpc.aio.Channel:
        # Deterministic bytes: equal configs are equal keys, whatever order their fields were set in.
        key = (target, config.SerializeToString(deterministic=True))
        if key not in self._channels:
            self._channels[key] = open_channel(target, config)
        return self._channels[key]

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()


def config_problem(config: peer_control_pb2.ChannelConfig) -> str | None:
    """Why the config cannot be carried out, or None when it can."""
    if config.load_balancing_policy not in _LOAD_BALANCING_POLICIES:
        return (
            f'unknown load_balancing_policy "{config.load_balancing_policy}"'
            ' (use "", "pick_first" or "round_robin")'
        )
    tls = config.tls
    if config.HasField("tls") and not tls.ca_cert:
        return "tls: ca_cert is required"
    if bool(tls.client_cert) != bool(tls.client_key):
        return "tls: client_cert and client_key go together"
    return None


def open_channel(
    target: str, config: peer_control_pb2.ChannelConfig, *, own_connection: bool = False
) -> grpc.aio.Channel:
    """A new channel to the target, made as the config says.

    C-core shares a connection between channels whose arguments are equal; own_connection gives
    this one a subchannel pool, and so a connection, of its own.
    """
    options = [("grpc.max_receive_message_length", MAX_RECEIVE_BYTES), *_keepalive(config)]
    if own_connection:
        options.append(("grpc.use_local_subchannel_pool", 1))
    service_config = _service_config(config)
    if service_config:
        options.append(("grpc.service_config", json.dumps(service_config)))
    if not config.HasField("tls"):
        return grpc.aio.insecure_channel(target, options=options)
    # The server's certificate is checked against the host in the target: no authority override.
    credentials = grpc.ssl_channel_credentials(
        root_certificates=config.tls.ca_cert,
        private_key=config.tls.client_key or None,
        certificate_chain=config.tls.client_cert or None,
    )
    return grpc.aio.secure_channel(target, credentials, options=options)


def _service_config(config: peer_control_pb2.ChannelConfig) -> dict:
    service_config: dict = {}
    if config.load_balancing_policy:
        service_config["loadBalancingConfig"] = [{config.load_balancing_policy: {}}]
    if config.health_check:
        # C-core watches grpc.health.v1 for each address under round_robin; its pick_first does no
        # health checking (README.md, "Where grpcio behaves in its own way").
        service_config["healthCheckConfig"] = {"serviceName": ""}
    return service_config


def _keepalive(config: peer_control_pb2.ChannelConfig) -> list[tuple[str, int]]:
    if not config.HasField("keepalive"):
        return []
    keepalive = config.keepalive
    options = [
        ("grpc.keepalive_time_ms", keepalive.time.ToMilliseconds()),
        ("grpc.keepalive_permit_without_calls", int(keepalive.permit_without_calls)),
        # C-core stops pinging after two pings with no data frame in between; Java, Go and
        # grpc-js keep pinging. 0 lifts that limit, so the pings go on as in the other clients.
        ("grpc.http2.max_pings_without_data", 0),
    ]
    if keepalive.HasField("timeout"):
        options.append(("grpc.keepalive_timeout_ms", keepalive.timeout.ToMilliseconds()))
    return options
