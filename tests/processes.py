"""Servers the tests start as processes of their own: waiting until they listen, and stopping them."""

from __future__ import annotations

import contextlib
import http.client
import json
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


def wait_for_workers(port: int, count: int) -> None:
    """Return once `count` different gunicorn workers have answered /healthz on `port`.

    The port opens before the workers have loaded the app; a test that starts at once meets one worker that
    takes every connection while the other boots (gunicorn 27 made that visible)."""
    deadline = time.monotonic() + STARTS_WITHIN
    workers: set[object] = set()
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                workers.add(json.loads(connection.getresponse().read())["worker"])
            finally:
                connection.close()
        if len(workers) >= count:
            return
        time.sleep(0.02)
    raise RuntimeError(f"only {len(workers)} of {count} workers answered /healthz on {port}")


def stop(process: subprocess.Popen) -> None:
    """Stop `process` and everything it started (it runs in a session of its own): TERM, then KILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
