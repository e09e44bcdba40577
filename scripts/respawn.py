"""Run a command and start it again whenever it stops, until this script itself is told to stop.

usage: python scripts/respawn.py [--pause SECONDS] -- COMMAND [ARG ...]

`make run` starts the portal, the worker and the PBX simulator with honcho, which stops every
process as soon as one exits. Under this wrapper the worker and the simulator can be killed on
purpose (to watch the status line recover) or crash, and come back after the pause (2 s), while
the rest keeps running. SIGTERM or SIGINT to the wrapper (honcho's Ctrl-C) stops the command and
the wrapper, with the command's exit status (128 + the signal when a signal ended it). Standard library only.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from types import FrameType


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause", type=float, default=2.0, help="seconds before a restart")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        child = subprocess.Popen(command)  # noqa: S603 - the command line of Procfile.dev
        status = child.wait()
        if stopping:
            return _exit_status(status)
        print(
            f"respawn: {command[0]} stopped (exit status {status}); starting it again in {args.pause:g} s",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + args.pause
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return _exit_status(status)


def _exit_status(status: int) -> int:
    """A command ended by a signal exits as a shell would report it: 128 + the signal."""
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
