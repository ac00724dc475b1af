"""Moving conversations kept in the layout of version 0.1 (two keys each, 256-bit pseudonyms) to today's.

    hb:{<64 hex>}:state  "<version>:<JSON object>"   ->   c:<first 128 bits, URL-safe base64>  "1:[state]"
    hb:{<64 hex>}:seen   (replay records)            ->   dropped: retries arrive within minutes

Today's pseudonym is the first 128 bits of the same HMAC, so each key is found again without knowing the
sender. Above all, opt-outs are kept (they live for a year). Run once when upgrading (`hotline-bot store
migrate`); it is idempotent, keeps each key's remaining TTL, and never overwrites a conversation already
in the new layout.
"""

from __future__ import annotations

import base64
import json
import re

import redis

from bot.state import State
from bot.store import key

_OLD_STATE = re.compile(r"^hb:\{([0-9a-f]{64})\}:state$")


def new_pid(old_hex: str) -> str:
    """Today's pseudonym of a conversation kept under the old one."""
    return base64.urlsafe_b64encode(bytes.fromhex(old_hex)[:16]).decode().rstrip("=")


def migrate(client: redis.Redis) -> tuple[int, int]:
    """Move every old conversation; (moved, dropped as unreadable). Old keys are deleted either way."""
    moved = dropped = 0
    for raw_key in client.scan_iter(match="hb:{*}:state", count=1000):
        name = raw_key.decode() if isinstance(raw_key, bytes) else raw_key
        found = _OLD_STATE.match(name)
        if not found:
            continue
        old_hex = found.group(1)
        state, ttl = _old_state(client.get(name)), client.ttl(name)
        if state is not None and ttl > 0:
            document = json.dumps([state.pack()], separators=(",", ":"), ensure_ascii=False)
            client.set(key(new_pid(old_hex)), f"1:{document}", ex=ttl, nx=True)  # never over newer data
            moved += 1
        else:
            dropped += 1
        client.delete(name, f"hb:{{{old_hex}}}:seen")
    return moved, dropped


def _old_state(raw: bytes | str | None) -> State | None:
    """A state as version 0.1 stored it ("<version>:{...}"), or None when it cannot be read."""
    if raw is None:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text.partition(":")[2])
        return State.unpack([data.get("node"), data.get("lang"), data.get("opted_out", False),
                             data.get("last_seen", 0)])
    except (ValueError, TypeError, AttributeError):
        return None
