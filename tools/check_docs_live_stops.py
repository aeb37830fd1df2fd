"""Check that SIGTERM to `nox -s docs -- --serve` also stops sphinx-autobuild.

Run by ``nox -s docs-serve-check`` (CI does). Starts ``nox -r -s docs -- --serve`` on a
free port with notebook execution off (a quick build into book/_build/live), waits until the page is served, sends SIGTERM to nox only (not its process
group, as `kill PID` or a supervisor would), then checks that the port is free within
a few seconds. Exits 0 when it is.

Usage: ``python tools/check_docs_live_stops.py [NOXFILE]`` (default: noxfile.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the repository's tools package
from tools.ports import free_port, port_in_use

SERVE_SECONDS = 600
STOP_SECONDS = 10


def serving(port: int) -> bool:
    """Whether a web page answers on ``port``."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def main(noxfile: str) -> int:
    """Serve, SIGTERM nox, check that the port is free; the exit status."""
    port = free_port()
    options = ["--serve", "--host", "127.0.0.1", "--port", str(port), "-D", "nb_execution_mode=off"]
    command = ["nox", "-f", noxfile, "-r", "-s", "docs", "--", *options]
    # a session of its own, so the SIGTERM below reaches nox alone, not its children
    nox = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + SERVE_SECONDS
    while not serving(port):
        if nox.poll() is not None or time.monotonic() > deadline:
            print(f"docs --serve never served port {port}")
            os.killpg(nox.pid, signal.SIGTERM)
            return 1
        time.sleep(1)
    print(f"docs --serve serves port {port}; sending SIGTERM to nox (pid {nox.pid})")
    os.kill(nox.pid, signal.SIGTERM)
    nox.wait(timeout=STOP_SECONDS)
    deadline = time.monotonic() + STOP_SECONDS
    while port_in_use(port) and time.monotonic() < deadline:
        time.sleep(0.5)
    if port_in_use(port):
        print(f"port {port} still served after nox exited: sphinx-autobuild was left running")
        os.killpg(nox.pid, signal.SIGTERM)  # clean up what this check started
        return 1
    print(f"port {port} is free: sphinx-autobuild stopped with nox")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "noxfile.py"))
