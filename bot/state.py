"""The per-conversation record: tiny, plain, and free of anything the texter wrote."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any, TypeVar

Record = TypeVar("Record")


@dataclass(frozen=True)
class State:
    """Where one texter is in the menu.

    `node` is None before the first reply; `lang` is None until it is picked (by the first message,
    or by the console's --lang). `last_seen` is epoch seconds of the last message, for idle expiry.
    `local` is the referral query the texter is paging through (`bot.referrals.Query.to_str()`: a rounded
    place, the need, the next page), only while they are on the results; it never holds a ZIP code.
    `window_start`, `window_count` and `quiet_until` are the sender's rate limit: messages in the current
    minute, and until when the bot stays quiet after telling them it pauses. `opt_at` is epoch seconds of the
    texter's last opt-out or opt-in (0: none), so a request another machine spooled earlier does not undo it.
    """

    node: str | None = None
    lang: str | None = None
    opted_out: bool = False
    last_seen: int = 0
    local: str | None = None
    window_start: int = 0
    window_count: int = 0
    quiet_until: int = 0
    opt_at: int = 0

    def pack(self) -> list[object]:
        """The record as stored: a positional list, trailing defaults left out (a few dozen bytes in JSON)."""
        values = [self.node, self.lang, int(self.opted_out), self.last_seen, self.local, self.window_start,
                  self.window_count, self.quiet_until, self.opt_at]
        while values and values[-1] == _DEFAULTS[len(values) - 1]:
            values.pop()
        return values

    @classmethod
    def unpack(cls, values: object) -> State:
        """Read a stored record (positions a newer version added are ignored). ValueError when a field cannot
        be read ("opted_out": "maybe"), so the caller replaces the record instead of guessing."""
        if not isinstance(values, list):
            raise ValueError("a state is a list")
        node, lang, opted_out, last_seen, local, window_start, window_count, quiet_until, opt_at = (
            [*values, *_DEFAULTS[len(values):]][:len(_DEFAULTS)])
        # Every message reads one: built as `evolve` builds its copies, without the frozen __init__'s cost.
        return evolve(NEW, node=node if isinstance(node, str) else None,
                      lang=lang if isinstance(lang, str) else None,
                      opted_out=_flag(opted_out),
                      last_seen=int(last_seen),
                      local=local if isinstance(local, str) else None,
                      window_start=int(window_start),
                      window_count=int(window_count),
                      quiet_until=int(quiet_until),
                      opt_at=int(opt_at))


_DEFAULTS: tuple[object, ...] = (None, None, 0, 0, None, 0, 0, 0, 0)


def _flag(value: object) -> bool:
    """A stored yes/no: JSON true/false, or as a hand edit might write it ("false" is no, not a non-empty string)."""
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    raise ValueError(f"not a yes/no: {value!r}")


NEW = State()


def evolve(record: Record, **changes: Any) -> Record:
    """`dataclasses.replace` for the engine's small frozen records (State, Outcome), at a fraction of its cost.

    `replace` inspects every field and runs the frozen `__init__` (a guarded setattr per field) on each call, and
    the engine makes several copies a message: here the instance's dict is copied and the changes laid over
    it. For dataclasses whose `__init__` only assigns (no `__post_init__`, no `init=False` field)."""
    if not _field_names(type(record)).issuperset(changes):
        unknown = ", ".join(sorted(changes.keys() - _field_names(type(record))))
        raise TypeError(f"{type(record).__name__} has no field {unknown}")
    copy = object.__new__(type(record))
    copy.__dict__.update(record.__dict__, **changes)
    return copy


@cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))
