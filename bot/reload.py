"""Hot reload: a running server picks up edited flows (and the referral directory) without a restart.

Each worker process checks on its own, at the start of a request, at most once every `RELOAD_INTERVAL`
seconds: one listing and stat() of the flow files (no reading) tells whether anything changed. Only then are
the files hashed (their version) and loaded with `check_flows`:
- good flows replace `Hotline.flows` in one assignment: a message is answered wholly with the old flows or
  wholly with the new;
- broken flows are refused: every problem is logged with its file and line, once per broken version, and the
  flows served before keep serving (or, when the flows were broken at start-up, the static hotline reply).
Every worker reads the same files, so every worker converges on the same version; `/healthz` reports it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.flow import check_flows
from bot.flow.problems import ERROR
from bot.flow.yaml_source import YAML_SUFFIXES
from bot.hotline import Hotline
from bot.referrals.loader import FOLDER as DIRECTORY_FOLDER
from bot.settings import FLOWS_RELOAD_SECONDS

log = logging.getLogger(__name__)
RELOAD_INTERVAL = float(FLOWS_RELOAD_SECONDS)  # an edit is served within this; a look costs a stat() per file
VERSION_LENGTH = 12  # hex digits of the hash: plenty to tell versions apart, short enough to read out
Stamp = tuple[tuple[str, int, int, int], ...]  # (file, inode, size, mtime in ns) for every source file


def source_files(directory: Path) -> list[Path]:
    """Every file the flows are loaded from: the flow files (`*.yaml`, `facts.yaml` among them) and everything
    under the referral directory, in a stable order. Hidden names (editors' lock and swap files) are not."""
    found: list[Path] = []
    if directory.is_dir():
        found += [p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and not p.name.startswith(".")
                  and p.is_file()]
        referrals = directory / DIRECTORY_FOLDER
        if referrals.is_dir():
            for folder, dirs, files in os.walk(referrals):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found += [Path(folder) / name for name in files if not name.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


def flows_version(directory: Path) -> str:
    """A short hash of the names and bytes of every file the flows are loaded from ("-" when there are none)."""
    files = source_files(directory)
    if not files:
        return "-"
    digest = hashlib.sha256()
    for path in files:
        content = path.read_bytes()
        name = path.relative_to(directory).as_posix().encode()
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return digest.hexdigest()[:VERSION_LENGTH]


def stamp(directory: Path) -> Stamp:
    """What a stat() of every source file says: any save, added or removed file changes it."""
    stamped = []
    for path in source_files(directory):
        try:
            status = path.stat()
        except OSError:  # removed while listed: the next check sees it gone
            continue
        stamped.append((str(path), status.st_ino, status.st_size, status.st_mtime_ns))
    return tuple(stamped)


class Reloader:
    """Keeps a Hotline's flows in step with the files in `directory`; `check()` is called before each request."""

    def __init__(self, directory: Path, interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Note what the files are now: make it before the flows are first loaded, so an edit made during
        that load is still seen as an edit."""
        self.directory = directory
        self.interval = RELOAD_INTERVAL if interval is None else interval
        self.clock = clock
        self.hotline: Hotline | None = None
        self.served: str | None = None  # the version the hotline serves; None: the static hotline reply
        self.refused: str | None = None  # the newest broken version, refused and logged
        try:
            self._stamp, self._version = stamp(directory), flows_version(directory)
        except OSError:  # a file that cannot be read: the loader reports it, and the next look tries again
            self._stamp, self._version = (), "-"
        self._due = clock() + self.interval
        self._lock = threading.Lock()

    def attach(self, hotline: Hotline) -> Reloader:
        """Start watching for `hotline`, whose flows were loaded from the files as they were at construction."""
        self.hotline = hotline
        if hotline.flows is None:
            self.refused = self._version  # build_hotline has logged its problems already
        else:
            self.served = self._version
        return self

    def check(self) -> None:
        """Reload the flows if their files changed; at most once per interval per process, in one thread while
        the others go on answering. Never raises: a request must not fail because the check did."""
        if self.clock() < self._due or self.hotline is None or not self._lock.acquire(blocking=False):
            return
        try:
            if self.clock() >= self._due:  # another thread may have checked while this one waited
                self.reload_if_changed()
                self._due = self.clock() + self.interval
        except Exception as error:
            log.error("checking the flow files for edits failed (%s); still serving version %s",
                      type(error).__name__, self.served)
            self._due = self.clock() + self.interval
        finally:
            self._lock.release()

    def reload_if_changed(self) -> bool:
        """Load the flows again when a file changed since the last look; True when new flows were swapped in."""
        now = stamp(self.directory)
        if now == self._stamp:
            return False
        self._stamp = now
        version = flows_version(self.directory)
        if version == self.served:  # saved unchanged, or an edit undone
            self.refused = None
            return False
        if version == self.refused:
            return False
        flows, problems = check_flows(self.directory)
        if flows is None:
            self.refused = version
            log.error("flow files changed, but version %s is refused; still serving %s. Fix these, then save "
                      "again:\n%s", version, f"version {self.served}" if self.served else "the static hotline "
                      "reply", "\n".join(map(str, problems)))
            return False
        flows.matcher  # noqa: B018 -- index the new flows before they serve, not on the first message
        self.hotline.flows = flows  # one assignment: each message sees the old flows or the new, never a mix
        previous, self.served, self.refused = self.served, version, None
        log.warning("flow files changed: now serving version %s (was %s)", version, previous or "the static reply")
        warnings = sum(p.level != ERROR for p in problems)
        if warnings:
            log.info("flows version %s has %d warning(s); `hotline-bot flows check` lists them", version, warnings)
        return True
