"""A private `redis-server` for tests: free port on 127.0.0.1, no persistence, its own temporary folder.

The machine's own Redis (if any, on 6379) is never touched. A missing `redis-server` is an error, not a
skip: CI installs it (Debian package `redis-server`), and a skipped suite would hide that it did not.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

START_TIMEOUT = 10.0  # seconds for the server to answer PING; it usually takes a few milliseconds
PORT_ATTEMPTS = 3  # a free port can be taken between choosing it and the server binding it


class RedisServerError(RuntimeError):
    """redis-server is missing or would not start."""


def find_binary() -> str:
    """The redis-server to run: $REDIS_SERVER, else the one on PATH, else /usr/bin/redis-server."""
    binary = os.environ.get("REDIS_SERVER") or shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).is_file():
        raise RedisServerError(
            f"redis-server not found (looked at $REDIS_SERVER, PATH and {binary}). The integration tests need "
            "a real Redis: install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER."
        )
    return binary


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process; use as a context manager, or call start() and stop()."""

    def __init__(self) -> None:
        """Prepare (not start) a server."""
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    @property
    def pid(self) -> int:
        """The server's process id (for measuring the CPU it uses)."""
        assert self._process is not None
        return self._process.pid

    @property
    def url(self) -> str:
        """The server's redis:// URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A plain client for inspecting the server from a test."""
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> RedisServer:
        """Start on a free port and wait until it answers PING."""
        binary = find_binary()
        self._dir = Path(tempfile.mkdtemp(prefix="hotline-redis-"))
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port()
            if self._launch(binary):
                return self
        log = self._log()
        self.stop()
        raise RedisServerError(f"redis-server did not start after {PORT_ATTEMPTS} attempts; its log:\n{log}")

    def restart(self) -> None:
        """Stop the process and start a new one on the same port (nothing is kept: no persistence)."""
        self._end_process()
        if not self._launch(find_binary()):
            raise RedisServerError(f"redis-server did not restart on port {self.port}; its log:\n{self._log()}")

    def freeze(self) -> None:
        """Stop the process in its tracks (SIGSTOP), as a stalled machine would: connections hang, unanswered."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen process run again (SIGCONT)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """Stop the process, keeping the port and folder, as a crash would (start it again with restart())."""
        self._end_process()

    def _end_process(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def stop(self) -> None:
        """Stop the server (if running) and delete its folder."""
        self._end_process()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> RedisServer:
        """Start the server."""
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Stop the server."""
        self.stop()

    def _launch(self, binary: str) -> bool:
        """Run the server on self.port; False if it exited (most likely: the port was taken meanwhile)."""
        assert self._dir is not None
        args = [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--enable-debug-command", "local",
                "--dir", str(self._dir), "--logfile", str(self._dir / "redis.log"), "--daemonize", "no"]
        self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.STDOUT)
        probe = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while time.monotonic() < deadline and self._process.poll() is None:
                try:
                    # Check the pid too: if the port was taken meanwhile, PING could reach someone else's Redis.
                    return int(probe.info("server")["process_id"]) == self._process.pid or self._kill()
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                    time.sleep(0.01)
        finally:
            probe.close()
        return self._kill()

    def _kill(self) -> bool:
        """Kill a server that did not come up (its folder and log stay, for the error message); False."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None
        return False

    def _log(self) -> str:
        """The end of the server's log, for error messages."""
        path = self._dir / "redis.log" if self._dir else None
        return path.read_text(errors="replace")[-2000:] if path and path.is_file() else "(no log)"
