"""The per-conversation record: tiny, plain, and free of anything the texter wrote."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class State:
    """Where one texter is in the menu.

    `node` is None before the first reply; `lang` is None until it is picked (by the first message,
    or by the console's --lang). `last_seen` is epoch seconds of the last message, for idle expiry.
    `local` is the referral query the texter is paging through (`bot.referrals.Query.to_str()`: a rounded
    place, the need, the next page), only while they are on the results; it never holds a ZIP code.
    `window_start`, `window_count` and `quiet_until` are the sender's rate limit: messages in the current
    minute, and until when the bot stays quiet after telling them it pauses.
    """

    node: str | None = None
    lang: str | None = None
    opted_out: bool = False
    last_seen: int = 0
    local: str | None = None
    window_start: int = 0
    window_count: int = 0
    quiet_until: int = 0

    def to_json(self) -> str:
        """Compact JSON for storage."""
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> State:
        """Read a stored record; unknown fields (from a newer version) are ignored. ValueError when a field
        cannot be read ("opted_out": "maybe"), so the caller replaces the record instead of guessing."""
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("a state is a JSON object")
        return cls(
            node=data.get("node") if isinstance(data.get("node"), str) else None,
            lang=data.get("lang") if isinstance(data.get("lang"), str) else None,
            opted_out=_flag(data.get("opted_out", False)),
            last_seen=int(data.get("last_seen", 0)),
            local=data.get("local") if isinstance(data.get("local"), str) else None,
            window_start=int(data.get("window_start", 0)),
            window_count=int(data.get("window_count", 0)),
            quiet_until=int(data.get("quiet_until", 0)),
        )


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
