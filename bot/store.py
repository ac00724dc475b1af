"""Conversation state in Redis, with compare-and-set, replay records for retried webhooks, and TTLs.

Key layout (the `{pid}` hash tag keeps one conversation's keys in one cluster slot, so the Lua script
may touch both):

    hb:{<pid>}:state   STRING  "<version>:<State JSON>"
                       TTL: session_ttl, or optout_ttl while opted out; reset on every commit (sliding).
    hb:{<pid>}:seen    HASH    <message id> -> {"before": <State JSON or null>, "at": <epoch seconds>}
                       TTL: dedupe_ttl, reset on every commit; at most dedupe_cap fields.

`pid` is an HMAC pseudonym computed elsewhere. Nothing here holds a phone number, a message body or a
ZIP code: a replay record keeps the state a message met and when, and the reply is rebuilt from it.

Round trips per message on a warm pooled connection: `load` 1 (a pipeline of GET + HGET) and `commit` 1
(EVALSHA), so 2. A version conflict costs 2 more per retry. The first commit after the server lost its
script cache (a restart, SCRIPT FLUSH) costs 2 more: redis-py answers NOSCRIPT with SCRIPT LOAD and
repeats the EVALSHA.
"""

from __future__ import annotations

import json

import fakeredis
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.conversation import Replay, Snapshot
from bot.state import State

# Compare-and-set in one atomic step. KEYS: state, seen.
# ARGV: expected version, "erase" or "save", state JSON, state TTL, message id, replay JSON, seen TTL, cap.
# The version is parsed from the "<version>:" prefix, so the script needs no cjson.
_COMMIT = """
local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  version = tonumber(string.sub(current, 1, string.find(current, ':', 1, true) - 1))
end
if version ~= tonumber(ARGV[1]) then
  return 0
end
if ARGV[2] == 'erase' then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
redis.call('SET', KEYS[1], string.format('%d:%s', version + 1, ARGV[3]), 'EX', ARGV[4])
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[8]) then
  redis.call('DEL', KEYS[2])
end
redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[7])
return 1
"""


HEALTH_KEY, HEALTH_TTL = "hb:{health}:check", 30  # the health check's own key; it never holds a texter's data


def state_key(pid: str) -> str:
    """The key of a conversation's state."""
    return f"hb:{{{pid}}}:state"


def seen_key(pid: str) -> str:
    """The key of a conversation's answered message ids."""
    return f"hb:{{{pid}}}:seen"


class RedisStore:
    """The `bot.conversation.Store` on Redis (or on the embedded fakeredis, with the same code)."""

    def __init__(
        self, client: redis.Redis, session_ttl: int, optout_ttl: int, dedupe_ttl: int, dedupe_cap: int = 100
    ) -> None:
        """Use `client`; TTLs in seconds; `dedupe_cap` bounds the answered ids kept per conversation."""
        for name, value in (("session_ttl", session_ttl), ("optout_ttl", optout_ttl),
                            ("dedupe_ttl", dedupe_ttl), ("dedupe_cap", dedupe_cap)):
            if value < 1:  # SET EX 0 is an error, and a key without a TTL must never be written
                raise ValueError(f"{name} must be at least 1, got {value}")
        self.client = client
        self.session_ttl = session_ttl
        self.optout_ttl = optout_ttl
        self.dedupe_ttl = dedupe_ttl
        self.dedupe_cap = dedupe_cap
        self._commit = client.register_script(_COMMIT)

    def ping(self) -> bool:
        """True when the server takes a write (for /healthz): a short-lived key, so an out-of-memory or
        read-only server, which still answers PING, fails here."""
        return bool(self.client.set(HEALTH_KEY, "1", ex=HEALTH_TTL))

    def load(self, pid: str, message_id: str) -> Snapshot:
        """Read the conversation of `pid` and whether `message_id` was already handled, in one round trip."""
        pipe = self.client.pipeline(transaction=False)  # two reads, no MULTI: the version guards the write
        pipe.get(state_key(pid))
        pipe.hget(seen_key(pid), message_id)
        raw_state, raw_replay = pipe.execute()
        state, version = None, 0
        if raw_state is not None:
            prefix, _, body = _text(raw_state).partition(":")
            state, version = State.from_json(body), int(prefix)
        return Snapshot(state, version, _replay(raw_replay) if raw_replay is not None else None)

    def commit(self, pid: str, snapshot: Snapshot, message_id: str, new_state: State | None, now: int) -> bool:
        """Save `new_state` (None: erase both keys) if the version is still `snapshot`'s; False on a conflict."""
        if new_state is None:
            # Erasing leaves nothing behind, not even this message id: a retry of it meets a new conversation.
            args: list[str | int] = [snapshot.version, "erase"]
        else:
            before = snapshot.state.to_json() if snapshot.state is not None else "null"
            ttl = self.optout_ttl if new_state.opted_out else self.session_ttl  # an opt-out outlives idling
            # A hash grows with every distinct message until its TTL lapses, and each commit slides that TTL,
            # so a steady flood from one sender would grow it without bound. Twilio retries arrive within
            # minutes, so dropping the whole hash when it is full only risks re-answering a retry that races
            # the reset, and keeps memory per conversation bounded.
            args = [snapshot.version, "save", new_state.to_json(), ttl, message_id,
                    f'{{"before":{before},"at":{int(now)}}}', self.dedupe_ttl, self.dedupe_cap]
        # Safe under the client's retry: if a timed-out EVALSHA did run, the repeat fails the version check
        # and `run` reloads and finds the replay record.
        return bool(self._commit(keys=[state_key(pid), seen_key(pid)], args=args))


def connect(url: str, timeout: float) -> redis.Redis:
    """A client for `url` that gives up quickly: `timeout` seconds to connect and per command, one retry."""
    # redis-py 8's Redis(host=...) retries 10 times with exponential backoff (10 ms doubling to 1 s) and
    # waits 5 s per socket operation; from_url keeps the 5 s timeouts with no retry. Either way a dead or
    # stalled Redis could hold a webhook past Twilio's 15 s, so both are set here: at most two attempts of
    # `timeout` each per command, no backoff sleep. (Query-string options in the URL still win.)
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1),
    )


def embedded() -> redis.Redis:
    """An in-process Redis (fakeredis, with Lua) on its own server: forgets everything when the process ends."""
    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


def _text(raw: str | bytes) -> str:
    """A reply as text, whether or not the client decodes responses."""
    return raw.decode() if isinstance(raw, bytes) else raw


def _replay(raw: str | bytes) -> Replay:
    """Read a replay record."""
    record = json.loads(raw)
    before = record["before"]
    return Replay(State.from_json(json.dumps(before)) if before is not None else None, int(record["at"]))
