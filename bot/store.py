"""Conversation state in Redis: one small key per conversation, compare-and-set, replays of retried webhooks.

    c:<pid>   STRING  "<version>:<JSON [state, recent...]>"
              state:  the State, packed (a positional list, trailing defaults left out)
              recent: up to RECENT messages already answered, newest first, each [digest of its id, when,
                      the state it met], so a retry of any of them gets the same reply
              TTL:    session_ttl, or optout_ttl while opted out; reset on every commit (sliding)

`pid` is an HMAC pseudonym computed elsewhere (`bot.identity`); nothing here holds a phone number, a message
body or a ZIP code, and a message id only as a 48-bit digest. One key per conversation: nothing to keep in
step, one slot in a Redis Cluster (the commit script touches that one key), and the replay records live
exactly as long as the conversation. The same code runs on one Redis, on a Redis Cluster (`connect` with mode
"cluster" or "auto"), and on the embedded fakeredis.

Round trips per message on a warm pooled connection: `load` 1 (GET) and `commit` 1 (EVALSHA of a script
that runs GET and SET), so 2, as a GET and a SET would. A version conflict costs 2 more per retry. The first
commit after the server lost its script cache (a restart, SCRIPT FLUSH, a failover) costs 1 more.

An opt-out, an opt-in or an erasure is not confirmed until a replica has it too, when the primary has any:
Redis replicates after it answers, so a primary lost a moment after saving a STOP would take the STOP with it,
and on a short code this store is the only opt-out list. Such a commit asks the primary how many replicas it
has, then sends the script and WAIT on one connection (WAIT counts that connection's writes). A replica that
does not confirm within `replica_wait` is counted and logged; the texter is still answered (the primary has
it). The few messages that change the opt state pay this; the others do not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from functools import lru_cache

import redis
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

from bot import metrics
from bot.conversation import Recent, Replay, Snapshot
from bot.state import State

log = logging.getLogger(__name__)
RECENT = 3  # messages whose retries are recognised: Twilio retries within seconds, never several messages late
CORRUPT = -1  # the version of a record that cannot be read: the next save replaces it
HEALTH_KEY, HEALTH_TTL = "hb:{health}:check", 30  # the health check's own key; it never holds a texter's data

# Compare-and-set in one atomic step. KEYS: the conversation. ARGV: what `load` saw, then the new record
# ("<version>:<document>", built by the client) or "" to erase, then its TTL. What `load` saw is the record's
# "<version>:" prefix, "" for nothing, or "?" for a record it could not read. A version is canonical decimal
# (1, 2, ... no sign, no leading zero) here and in `_read` alike: had Lua's tonumber and Python's int read
# "0x10:" or "7.0:" differently, such a record would refuse every save, and its texter get the static reply.
_COMMIT = """
local current = redis.pcall('GET', KEYS[1])
local seen = ARGV[1]
if seen == '' then
  if current then return 0 end
elseif seen == '?' then
  if not current or (type(current) == 'string' and string.find(current, '^[1-9]%d*:')) then return 0 end
elseif type(current) ~= 'string' or string.sub(current, 1, #seen) ~= seen then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 1
"""
_COMMIT_SHA = hashlib.sha1(_COMMIT.encode()).hexdigest()
# One encoder for every record: json.dumps with options builds a new one per call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def key(pid: str) -> str:
    """The key of a conversation."""
    return f"c:{pid}"


@lru_cache(maxsize=256)  # computed by `load`, then again by `commit` for the same message
def digest(message_id: str) -> str:
    """A message id as kept in the replay records: 48 bits, enough to tell apart the last few messages."""
    return base64.urlsafe_b64encode(hashlib.blake2b(message_id.encode(), digest_size=6).digest()).decode()


class RedisStore:
    """The `bot.conversation.Store` on Redis, a Redis Cluster, or the embedded fakeredis (the same code)."""

    def __init__(self, client: redis.Redis, session_ttl: int, optout_ttl: int, replica_wait: float = 0.0) -> None:
        """Use `client`; TTLs in seconds; `replica_wait` seconds for a replica to confirm an opt-out, opt-in or
        erasure (0: never ask, as for the embedded store, which has none; keep it under the client's timeout)."""
        for name, value in (("session_ttl", session_ttl), ("optout_ttl", optout_ttl)):
            if value < 1:  # SET EX 0 is an error, and a key without a TTL must never be written
                raise ValueError(f"{name} must be at least 1, got {value}")
        self.client = client
        self.session_ttl = session_ttl
        self.optout_ttl = optout_ttl
        self.replica_wait = replica_wait
        self._replicas_unknown_said = False

    def ping(self) -> bool:
        """True when the server takes a write (for /healthz): a short-lived key, so an out-of-memory or
        read-only server, which still answers PING, fails here. On a cluster, every primary takes one."""
        if isinstance(self.client, RedisCluster):
            return all(self.client.set(health_key, "1", ex=HEALTH_TTL) for health_key in _health_keys(self.client))
        return bool(self.client.set(HEALTH_KEY, "1", ex=HEALTH_TTL))

    def load(self, pid: str, message_id: str) -> Snapshot:
        """Read the conversation of `pid` and whether `message_id` was already answered, in one round trip."""
        try:
            raw = self.client.get(key(pid))
        except redis.ResponseError:  # WRONGTYPE: someone stored something else under the key
            return Snapshot(None, CORRUPT)
        if raw is None:
            return Snapshot(None, 0)
        version, state, recent = _read(raw)
        mine = digest(message_id)
        replay = next((_replay(entry) for entry in recent if entry.digest == mine), None)
        return Snapshot(state, version, replay, recent)

    def commit(self, pid: str, snapshot: Snapshot, message_id: str, new_state: State | None, now: int) -> bool:
        """Save `new_state` (None: erase) if the version is still `snapshot`'s; False on a conflict."""
        if new_state is None:
            # Erasing leaves nothing behind, not even this message id: a retry of it meets a new conversation.
            args: tuple[object, ...] = (_seen(snapshot.version), "", 0)
        else:
            before = snapshot.state.pack() if snapshot.state is not None else None
            recent = (Recent(digest(message_id), int(now), before), *snapshot.recent)[:RECENT]
            document = [new_state.pack(), *([r.digest, r.at, r.before] for r in recent)]
            ttl = self.optout_ttl if new_state.opted_out else self.session_ttl  # an opt-out outlives idling
            body = _COMPACT_JSON(document)
            record = f"{max(snapshot.version, 0) + 1}:{body}"
            args = (_seen(snapshot.version), record, ttl)
        was_opted_out = snapshot.state is not None and snapshot.state.opted_out
        if self.replica_wait and (new_state is None or new_state.opted_out != was_opted_out):
            return self._commit_on_replicas(key(pid), *args)
        # Safe under the client's retry: if a timed-out EVALSHA did run, the repeat fails the version check
        # and `run` reloads and finds the replay record.
        return bool(self._evalsha(key(pid), *args))

    def _commit_on_replicas(self, conversation_key: str, *args: object) -> bool:
        """The commit script, then WAIT for a replica, on one connection to the primary holding the key (when it
        has replicas); a commit no replica confirmed in time is counted and logged, and still succeeds."""
        primary = self._primary_of(conversation_key)
        if not self._has_replicas(primary):
            return bool(self._evalsha(conversation_key, *args))
        pipe = primary.pipeline(transaction=False)
        pipe.eval(_COMMIT, 1, conversation_key, *args)  # the script itself: a pipeline cannot reload it midway
        pipe.execute_command("WAIT", 1, max(1, round(self.replica_wait * 1000)))
        committed, confirmed = pipe.execute()
        if committed and not confirmed:
            metrics.UNREPLICATED.inc()
            log.warning("an opt-out, opt-in or erasure was saved, but no replica confirmed it within %.0f ms: "
                        "if the primary failed now, it would be lost (check the replicas' links)",
                        self.replica_wait * 1000)
        return bool(committed)

    def _primary_of(self, conversation_key: str) -> redis.Redis:
        """A client for the server holding `conversation_key`: the client itself, or its cluster node's."""
        if isinstance(self.client, RedisCluster):
            return self.client.get_node_from_key(conversation_key).redis_connection
        return self.client

    def _has_replicas(self, primary: redis.Redis) -> bool:
        """Whether `primary` has replicas connected (a server that will not say is taken to have none, once
        logged)."""
        try:
            return int(primary.info("replication").get("connected_slaves", 0)) > 0
        except redis.ResponseError as error:
            if not self._replicas_unknown_said:
                self._replicas_unknown_said = True
                log.warning("Redis would not say whether it has replicas (%s); opt-outs are confirmed without "
                            "waiting for one", type(error).__name__)
            return False

    def _evalsha(self, conversation_key: str, *args: object) -> object:
        """The commit script by its SHA, loading it first when the server does not have it (yet)."""
        try:
            return self.client.evalsha(_COMMIT_SHA, 1, conversation_key, *args)
        except redis.exceptions.NoScriptError:
            return self.client.eval(_COMMIT, 1, conversation_key, *args)


def _seen(version: int) -> str:
    """What the commit script must still find: the record's version prefix, "" for none, "?" for unreadable."""
    if version == CORRUPT:
        return "?"
    return f"{version}:" if version else ""


def _health_keys(client: RedisCluster) -> list[str]:
    """One health-check key in a slot of each primary (found by trying hash tags: a few thousand CRCs)."""
    keys = []
    for node in client.get_primaries():
        for n in range(200_000):
            candidate = f"hb:{{health-{n}}}:check"
            if client.get_node_from_key(candidate).name == node.name:
                keys.append(candidate)
                break
    return keys


def _replay(entry: Recent) -> Replay | None:
    """How to answer a retry of a message lately answered (None if its record cannot be read: then the retry
    is answered as a new message)."""
    try:
        return Replay(State.unpack(entry.before) if entry.before is not None else None, entry.at)
    except (ValueError, TypeError):
        return None


def _read(raw: str | bytes) -> tuple[int, State | None, tuple[Recent, ...]]:
    """A stored record: its version, state and replay records. What cannot be read is CORRUPT (never fatal:
    the texter is answered as a new conversation, and the save replaces the record, with a TTL)."""
    data = raw.encode() if isinstance(raw, str) else raw  # int() and json.loads read bytes as they are
    prefix, _, body = data.partition(b":")
    if not (prefix.isdigit() and prefix[:1] != b"0"):  # canonical decimal only, as the commit script reads it
        return CORRUPT, None, ()
    version = int(prefix)
    try:
        state_values, *entries = json.loads(body)
        state = State.unpack(state_values)
    except (ValueError, TypeError, AttributeError):
        return version, None, ()
    recent = []
    for entry in entries:
        try:
            found, at, before = entry
            recent.append(Recent(str(found), int(at), before if isinstance(before, list) else None))
        except (ValueError, TypeError):
            continue  # a record this version cannot read: that message is answered as new if it comes again
    return version, state, tuple(recent)


MODES = ("auto", "standalone", "cluster")


def connect(url: str, timeout: float, mode: str = "standalone") -> redis.Redis | RedisCluster:
    """A client for `url` that gives up quickly: `timeout` seconds to connect and per command, one retry.

    `mode` "cluster" speaks Redis Cluster (any node's URL will do); "auto" asks the server at start-up and
    falls back to a single server when it cannot be asked (say so explicitly where Redis may be down then)."""
    # redis-py 8's Redis(host=...) retries 10 times with exponential backoff (10 ms doubling to 1 s) and
    # waits 5 s per socket operation; from_url keeps the 5 s timeouts with no retry. Either way a dead or
    # stalled Redis could hold a webhook past Twilio's 15 s, so both are set here: at most two attempts of
    # `timeout` each per command, no backoff sleep. (Query-string options in the URL still win.)
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 1)}
    if mode == "auto":
        mode = "cluster" if _is_cluster(url, options) else "standalone"
    if mode == "cluster":
        # A cluster client learns the topology from the node it is given and follows MOVED/ASK itself; after
        # a failover it asks again. It may not find any node at start-up: it connects on first use then.
        return RedisCluster.from_url(url, require_full_coverage=False, **options)
    return redis.Redis.from_url(url, **options)


def _is_cluster(url: str, options: dict) -> bool:
    """Whether the server at `url` is a node of a Redis Cluster (False when it cannot be asked)."""
    probe = redis.Redis.from_url(url, **options)
    try:
        return bool(probe.info("cluster").get("cluster_enabled"))
    except redis.RedisError:
        log.warning("could not ask the Redis at REDIS_URL whether it is a cluster; using it as a single server "
                    "(set HOTLINE_REDIS_MODE=cluster if it is one)")
        return False
    finally:
        probe.close()


def embedded() -> redis.Redis:
    """An in-process Redis (fakeredis, with Lua) on its own server: forgets everything when the process ends."""
    import fakeredis  # here, not at the top: production never uses it, and importing it costs start-up 30 ms

    return fakeredis.FakeRedis(server=fakeredis.FakeServer())
