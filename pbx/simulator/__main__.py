"""python -m pbx.simulator --host 127.0.0.1 --port 8090 --token SECRET --db var/pbx-simulator.sqlite3"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from types import FrameType

from .server import SimulatorHTTPServer
from .storage import ConfigStore

log = logging.getLogger("pbx.simulator")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m pbx.simulator", description="Simulated PBX for the portal."
    )
    parser.add_argument("--host", default=env.get("PBX_SIMULATOR_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(env.get("PBX_SIMULATOR_PORT", "8090")), help="0 picks a free port"
    )
    parser.add_argument("--token", default=env.get("PBX_SIMULATOR_TOKEN"), help="or PBX_SIMULATOR_TOKEN")
    parser.add_argument("--db", default=env.get("PBX_SIMULATOR_DB", "var/pbx-simulator.sqlite3"))
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("a token is required: --token or PBX_SIMULATOR_TOKEN")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = ConfigStore(args.db)
    server = SimulatorHTTPServer((args.host, args.port), token=args.token, store=store)

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        # shutdown() waits for serve_forever(), which runs in this very (main) thread: call it from another.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The exact wording is parsed by tests started with --port 0.
    log.info("pbx-simulator listening on %s (database %s)", server.base_url, args.db)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        store.close()
    log.info("pbx-simulator stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
