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
        """Read a stored record; unknown fields (from a newer version) are ignored."""
        data = json.loads(raw)
        return cls(
            node=data.get("node"),
            lang=data.get("lang"),
            opted_out=bool(data.get("opted_out", False)),
            last_seen=int(data.get("last_seen", 0)),
            local=data.get("local") if isinstance(data.get("local"), str) else None,
            window_start=int(data.get("window_start", 0)),
            window_count=int(data.get("window_count", 0)),
            quiet_until=int(data.get("quiet_until", 0)),
        )


NEW = State()
