"""A TCP link between two local servers that a test can pause, resume or cut, as a network would.

Paused, it stops reading from either side, so what is sent stays in the sender's buffers; cut, it drops
every connection and whatever it still held, and refuses new ones. Between a Redis primary and its replica
it plays the replication link that stalls, then breaks with the primary.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from types import TracebackType


class Link:
    """Forwards 127.0.0.1:`port` (chosen free) to 127.0.0.1:`target_port`; a context manager."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._cut = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def pause(self) -> None:
        """Stop forwarding (nothing is lost: it waits in the buffers)."""
        self._flowing.clear()

    def resume(self) -> None:
        """Forward again, starting with what waited."""
        self._flowing.set()

    def cut(self) -> None:
        """Close every connection and the listener: what the link still held is gone."""
        self._cut.set()
        self._flowing.set()
        with self._lock:
            for sock in [self._listener, *self._sockets]:
                with contextlib.suppress(OSError):
                    sock.close()

    def __enter__(self) -> Link:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.cut()

    def _accept(self) -> None:
        while not self._cut.is_set():
            try:
                near, _ = self._listener.accept()
                far = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                return
            with self._lock:
                if self._cut.is_set():
                    near.close()
                    far.close()
                    return
                self._sockets += [near, far]
            threading.Thread(target=self._forward, args=(near, far), daemon=True).start()

    def _forward(self, near: socket.socket, far: socket.socket) -> None:
        other = {near: far, far: near}
        with selectors.DefaultSelector() as selector:
            for sock in other:
                selector.register(sock, selectors.EVENT_READ)
            while not self._cut.is_set():
                self._flowing.wait()
                for found, _ in selector.select(timeout=0.02):
                    if self._cut.is_set() or not self._flowing.is_set():
                        break
                    try:
                        data = found.fileobj.recv(65536)  # type: ignore[union-attr]
                        if not data:
                            return
                        other[found.fileobj].sendall(data)  # type: ignore[index]
                    except OSError:
                        return
