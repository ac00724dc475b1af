"""One message's round trip: load the state, run a pure turn, save atomically, replay retries.

This is the only place that joins the engine to the store; the webhook and the console both call
`run`, so they behave the same.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from bot.engine import Outcome
from bot.state import NEW, State

MAX_ATTEMPTS = 8  # optimistic retries when messages from one sender race
BACKOFF = 0.002  # seconds; doubled each attempt and jittered so racers stop colliding


@dataclass(frozen=True)
class Replay:
    """A message id already answered: the state it met and when, so its reply can be rebuilt exactly."""

    before: State | None
    at: int


class Recent(NamedTuple):
    """A message lately answered, as the store keeps it for replays: a digest of its id, when, and the state it
    met, packed (`State.pack`; unpacked only if that message comes again). A named tuple: every message reads
    a few, and a tuple is built at a fraction of a frozen dataclass's cost."""

    digest: str
    at: int
    before: list[object] | None


@dataclass(frozen=True)
class Snapshot:
    """A conversation as read: its state (None if there is none), a version for compare-and-set, if this
    message id was already handled how to replay it, and the messages lately answered (newest first)."""

    state: State | None
    version: int
    replay: Replay | None = None
    recent: tuple[Recent, ...] = ()


class Store(Protocol):
    """Conversation storage with atomic compare-and-set (see `bot.store.RedisStore`)."""

    def ping(self) -> bool:
        """True when the storage takes a write (for /healthz)."""
        ...

    def load(self, pid: str, message_id: str) -> Snapshot:
        """Read the conversation of pseudonym `pid` and whether `message_id` was already handled."""
        ...

    def commit(self, pid: str, snapshot: Snapshot, message_id: str, new_state: State | None, now: int) -> bool:
        """Save `new_state` (None: erase) if nothing changed since `snapshot`; False on a conflict."""
        ...


class ConflictError(RuntimeError):
    """The conversation kept changing under us (more than MAX_ATTEMPTS concurrent writers)."""


Turn = Callable[[State, int], Outcome]


def run(store: Store, pid: str, message_id: str, now: int, turn: Turn, initial: State = NEW) -> Outcome:
    """Apply `turn` to the conversation of `pid` exactly once for `message_id`, and return its outcome."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, BACKOFF * 2**attempt))
        snapshot = store.load(pid, message_id)
        if snapshot.replay is not None:  # a retry: same reply, conversation not advanced again
            return turn(snapshot.replay.before or initial, snapshot.replay.at)
        outcome = turn(snapshot.state or initial, now)
        if store.commit(pid, snapshot, message_id, outcome.state, now):
            return outcome
    raise ConflictError(f"gave up after {MAX_ATTEMPTS} conflicting writes")
