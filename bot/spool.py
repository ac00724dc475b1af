"""Opt-outs and erasures that could not be written to Redis, kept on local disk until they can be.

A texter's STOP or DELETE must never be lost to an outage. When the store fails, the hotline appends the
request here (the pseudonym and the action, nothing else), fsynced before the texter is told it is done;
before answering any later message, and as soon as Redis answers again, every worker applies what is
pending, in order, then empties the file.

The file is append-only text, one request a line: "<action> <pseudonym> <epoch seconds>". Every gunicorn
worker of a machine shares it; an advisory lock (flock) orders appends and the drain. Checking it costs
one stat() while it is empty, which is nearly always. Lines are never longer than 128 bytes and the file
is capped (MAX_BYTES: about 70,000 requests) so a long outage under a flood cannot fill the disk; past the
cap a request is refused loudly (the texter still gets the hotline numbers).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

MAX_BYTES = 8 * 1024 * 1024
FILE_NAME = "pending.log"
_LINE = re.compile(r"^(optout|optin|erase) ([0-9a-zA-Z_-]{16,128}) (\d{1,12})$")


class Action(StrEnum):
    """What a texter asked for that must reach Redis."""

    OPT_OUT = "optout"  # STOP
    OPT_IN = "optin"  # START after a spooled STOP
    ERASE = "erase"  # DELETE


@dataclass(frozen=True)
class Pending:
    """One request waiting for Redis."""

    action: Action
    pid: str
    at: int


class SpoolFull(RuntimeError):
    """The spool reached MAX_BYTES: Redis has been away for a long time under a flood."""


class Spool:
    """The pending requests of one machine, in `folder`."""

    def __init__(self, folder: Path) -> None:
        """Keep the spool in `folder` (created on the first request it must keep)."""
        self.folder = folder
        self.path = folder / FILE_NAME
        self._lock_path = folder / (FILE_NAME + ".lock")
        self._cached: tuple[tuple[int, int], list[Pending]] | None = None

    def append(self, action: Action, pid: str, at: int) -> None:
        """Write one request durably (fsynced) before returning."""
        line = f"{action.value} {pid} {int(at)}\n".encode()
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked():
            size = self.path.stat().st_size if self.path.exists() else 0
            if size + len(line) > MAX_BYTES:
                raise SpoolFull(f"{self.path} holds {size} bytes; Redis must come back before more fit")
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def pending(self) -> list[Pending]:
        """Every request waiting, oldest first (re-read only when the file changed)."""
        if not os.access(self.path, os.F_OK):  # nearly always: asked without raising (and catching) an error
            return []
        try:
            stat = self.path.stat()
        except OSError:  # none yet (or an unusable folder: append() will say so when it is needed)
            return []
        if stat.st_size == 0:
            return []
        key = (stat.st_size, stat.st_mtime_ns)
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, list(_read(self.path)))
        return list(self._cached[1])

    def state_of(self, pid: str) -> Action | None:
        """The last pending request about `pid` (whether they are opted out or erased while Redis is away)."""
        last = None
        for request in self.pending():
            if request.pid == pid:
                last = request.action
        return last

    def drain(self, apply: Callable[[Pending], None]) -> int:
        """Apply every pending request in order with `apply` (which raises while Redis cannot take it), then
        empty the file. Requests after one that failed stay, in order. Returns how many were applied."""
        if not self.pending():
            return 0
        with self._locked():
            requests = list(_read(self.path)) if self.path.exists() else []
            done = 0
            try:
                for request in requests:
                    apply(request)
                    done += 1
            finally:
                self._rewrite(requests[done:])
            return done

    def _rewrite(self, remaining: list[Pending]) -> None:
        """Replace the file by `remaining` (atomically: a crash leaves the old file or the new one)."""
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "wb") as out:
            out.write(b"".join(f"{r.action.value} {r.pid} {r.at}\n".encode() for r in remaining))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        self._cached = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self._lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _read(path: Path) -> Iterator[Pending]:
    """The well-formed lines of the file (a torn last line, from a crash mid-write, is skipped)."""
    for raw in path.read_text(encoding="ascii", errors="replace").splitlines():
        match = _LINE.match(raw)
        if match:
            yield Pending(Action(match.group(1)), match.group(2), int(match.group(3)))
