"""Starts the Python peer: python -m peer [--port N] [--tls-cert FILE --tls-key FILE ...]."""

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from peer.server import ServerTls, serve

DEFAULT_PORT = 50051
DEFAULT_TLS_PORT = 50443


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m peer",
        description="The Python peer of the gRPC interop harness. Every flag defaults to the "
        "environment variable named in its help.",
    )
    # Defaults are the variables' strings: argparse converts a string default with the argument's
    # type, so a malformed variable ends in argparse's one-line error and exit code 2, as a flag does.
    env = os.environ.get
    parser.add_argument(
        "--port",
        type=int,
        default=env("PORT", str(DEFAULT_PORT)),
        help=f"plaintext port, on 0.0.0.0 (PORT, else {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--server-id",
        default=env("SERVER_ID"),
        help="the x-interop-server-id response header (SERVER_ID, else the host name)",
    )
    parser.add_argument(
        "--tls-port",
        type=int,
        default=env("TLS_PORT", str(DEFAULT_TLS_PORT)),
        help=f"TLS port, served only with --tls-cert and --tls-key (TLS_PORT, else "
        f"{DEFAULT_TLS_PORT})",
    )
    # Paths stay strings: argparse would turn an empty variable into Path("."), which is truthy.
    parser.add_argument("--tls-cert", default=env("TLS_CERT_FILE"), help="PEM (TLS_CERT_FILE)")
    parser.add_argument("--tls-key", default=env("TLS_KEY_FILE"), help="PEM (TLS_KEY_FILE)")
    parser.add_argument(
        "--tls-client-ca",
        default=env("TLS_CLIENT_CA_FILE"),
        help="PEM; the TLS port then requires a client certificate it signed (TLS_CLIENT_CA_FILE)",
    )
    parser.add_argument(
        "--keepalive-permit-time-ms",
        type=int,
        default=env("KEEPALIVE_PERMIT_TIME_MS") or None,
        help="permit client keepalive pings this often, with or without calls; more often is "
        "too many pings (KEEPALIVE_PERMIT_TIME_MS, else gRPC Core's policy: one every 5 minutes)",
    )
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key (TLS_CERT_FILE, TLS_KEY_FILE) go together")
    if args.tls_client_ca and not args.tls_cert:
        parser.error("--tls-client-ca (TLS_CLIENT_CA_FILE) needs --tls-cert and --tls-key")
    tls = None
    if args.tls_cert:
        tls = ServerTls(
            port=args.tls_port,
            certificate_chain=Path(args.tls_cert).read_bytes(),
            private_key=Path(args.tls_key).read_bytes(),
            client_ca=Path(args.tls_client_ca).read_bytes() if args.tls_client_ca else None,
        )
    logging.basicConfig(
        stream=sys.stdout,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(
        serve(
            args.port,
            server_id=args.server_id,
            tls=tls,
            keepalive_permit_time_ms=args.keepalive_permit_time_ms,
        )
    )


if __name__ == "__main__":
    main()
