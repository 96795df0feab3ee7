"""Starts the Python peer: python -m peer [--port N]."""

import argparse
import asyncio
import logging
import os
import sys

from peer.server import serve

DEFAULT_PORT = 50051


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m peer",
        description="The Python peer of the gRPC interop harness (plaintext gRPC).",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", DEFAULT_PORT)),
        help=f"port to serve on, on 0.0.0.0 (default: $PORT, else {DEFAULT_PORT})",
    )
    args = parser.parse_args()
    logging.basicConfig(
        stream=sys.stdout,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
