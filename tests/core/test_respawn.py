"""scripts/respawn.py: make run's worker and PBX simulator come back after they stop."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "respawn.py"


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_command_that_stops_is_started_again_and_the_wrapper_stops_on_sigterm(tmp_path):
    starts = tmp_path / "starts"
    # Each start notes itself; the first start exits at once (a crash or a kill), later ones keep running.
    child = (
        "import pathlib, sys, time\n"
        f"p = pathlib.Path({str(starts)!r})\n"
        "n = len(p.read_text().splitlines()) if p.exists() else 0\n"
        "p.open('a').write('start\\n')\n"
        "sys.exit(3) if n == 0 else time.sleep(60)\n"
    )
    wrapper = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--pause", "0.1", "--", sys.executable, "-c", child],
        stderr=subprocess.PIPE,
    )
    try:
        assert _wait_for(lambda: starts.exists() and len(starts.read_text().splitlines()) == 2)
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(timeout=10) == 128 + signal.SIGTERM  # the command was stopped by the signal
        assert wrapper.stderr is not None
        assert b"stopped (exit status 3); starting it again" in wrapper.stderr.read()
        time.sleep(0.3)
        assert len(starts.read_text().splitlines()) == 2  # not started a third time after the stop
    finally:
        wrapper.kill()
        wrapper.wait()
