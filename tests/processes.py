"""Servers the tests start as processes of their own: waiting until they listen, and stopping them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable

STARTS_WITHIN = 30.0  # seconds


def wait_for_port(port: int, process: subprocess.Popen, what: str, output: Callable[[], str]) -> None:
    """Return once `process` (called `what`) accepts connections on `port`; raise with the end of its `output`
    if it exits first or does not listen in time."""
    deadline = time.monotonic() + STARTS_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {output()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def stop(process: subprocess.Popen) -> None:
    """Stop `process` and everything it started (it runs in a session of its own): TERM, then KILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
