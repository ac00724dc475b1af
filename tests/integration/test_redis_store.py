"""RedisStore against a real redis-server: atomicity under threads, retries racing, expiry, erase,
a dead or stalled Redis, and round trips per message."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
import redis
from redis.connection import Connection

from bot.conversation import ConflictError, Outcome, run
from bot.state import State
from bot.store import RedisStore, connect, key
from tests.integration.conftest import TIMEOUT
from tests.redis_server import RedisServer, RedisServerError, free_port

pytestmark = pytest.mark.integration

PID = "5e1f" * 16  # shaped like the HMAC-SHA256 hex digests used in production
SESSION, OPTOUT = 3600, 365 * 86400


def counting(state: State, at: int) -> Outcome:
    """A turn that counts messages in State.node and says the count."""
    count = int(state.node or 0) + 1
    return Outcome(replace(state, node=str(count), last_seen=at), (f"count {count}",))


def erasing(state: State, at: int) -> Outcome:
    """A turn that forgets the conversation."""
    return Outcome(None, ("forgotten",))


def count_of(store: RedisStore, pid: str = PID) -> int:
    """The counter a conversation has reached."""
    return int(store.load(pid, "-").state.node or 0)


@pytest.fixture
def store(client: redis.Redis) -> RedisStore:
    """A store with production TTLs on the test server."""
    return RedisStore(client, SESSION, OPTOUT)


def deliver(store: RedisStore, message_id: str, now: int) -> tuple[tuple[str, ...], int]:
    """Deliver like Twilio: if the bot gives up on a conflict, the same message id comes again."""
    redeliveries = 0
    while True:
        try:
            return run(store, PID, message_id, now, counting).replies, redeliveries
        except ConflictError:
            redeliveries += 1


@pytest.mark.parametrize(("threads", "per_thread"), [(50, 1), (8, 50)], ids=["50 racing at once", "8 x 50"])
def test_concurrent_messages_from_one_sender_lose_no_update(store: RedisStore, threads: int, per_thread: int) -> None:
    start = threading.Barrier(threads)

    def sender(thread: int) -> list[tuple[tuple[str, ...], int]]:
        start.wait()
        return [deliver(store, f"SM{thread}-{n}", n) for n in range(per_thread)]

    with ThreadPoolExecutor(threads) as pool:
        results = [result for batch in pool.map(sender, range(threads)) for result in batch]
    counts = sorted(int(replies[0].removeprefix("count ")) for replies, _ in results)
    assert counts == list(range(1, threads * per_thread + 1))  # every message met a different state
    assert count_of(store) == threads * per_thread
    assert store.load(PID, "-").version == threads * per_thread
    print(f"redeliveries after ConflictError: {sum(r for _, r in results)} of {len(results)} messages")


@pytest.mark.parametrize(("copies", "rounds"), [(50, 3), (8, 20)], ids=["50 copies of a message", "8 x 20"])
def test_duplicate_deliveries_racing_get_one_answer(store: RedisStore, copies: int, rounds: int) -> None:
    for round_number in range(1, rounds + 1):
        start, message_id = threading.Barrier(copies), f"SM{round_number}"

        def twilio_retry(_: int, start: threading.Barrier = start, message_id: str = message_id,
                         now: int = round_number) -> tuple[str, ...]:
            start.wait()
            return run(store, PID, message_id, now, counting).replies

        with ThreadPoolExecutor(copies) as pool:
            replies = set(pool.map(twilio_retry, range(copies)))
        assert replies == {(f"count {round_number}",)}
        assert count_of(store) == round_number


def test_state_and_seen_really_expire(client: redis.Redis) -> None:
    short = RedisStore(client, session_ttl=1, optout_ttl=60)
    run(short, PID, "SM1", 100, counting)
    opted_out = "0" * 64
    run(short, opted_out, "SM1", 100, lambda state, at: Outcome(replace(state, opted_out=True)))
    started = time.monotonic()
    while client.exists(key(PID)) and time.monotonic() - started < 3:
        time.sleep(0.05)
    assert client.exists(key(PID)) == 0
    assert client.ttl(key(opted_out)) > 50  # the opt-out outlives the idle conversation
    assert run(short, PID, "SM1", 103, counting).replies == ("count 1",)  # a new conversation, not a replay


def test_erase_leaves_no_key_behind(store: RedisStore, client: redis.Redis) -> None:
    for message_id in ("SM1", "SM2", "SM3"):
        run(store, PID, message_id, 100, counting)
    assert list(client.scan_iter()) == [key(PID).encode()]  # one key per conversation
    assert run(store, PID, "SM4", 101, erasing).replies == ("forgotten",)
    assert list(client.scan_iter(match=f"hb:{{{PID}}}*")) == []
    assert client.dbsize() == 0


def test_every_key_has_a_ttl(store: RedisStore, client: redis.Redis) -> None:
    for n in range(5):
        run(store, f"{n:064x}", "SM1", 100, counting)
    keys = list(client.scan_iter())
    assert len(keys) == 5  # one a conversation
    assert all(client.ttl(key) > 0 for key in keys)


@pytest.fixture
def stalled_port() -> Iterator[int]:
    """A port that accepts connections and never answers, like a Redis stuck in a slow command."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # never accept(): the kernel completes handshakes, nobody replies
        yield listener.getsockname()[1]


@pytest.mark.parametrize("scenario", ["stopped", "refused", "stalled"])
def test_redis_down_fails_fast(scenario: str, request: pytest.FixtureRequest) -> None:
    if scenario == "stopped":
        with RedisServer() as server:
            store = RedisStore(connect(server.url, TIMEOUT), SESSION, OPTOUT)
            run(store, PID, "SM1", 100, counting)  # a pooled connection is open when Redis dies
    else:
        port = request.getfixturevalue("stalled_port") if scenario == "stalled" else free_port()
        store = RedisStore(connect(f"redis://127.0.0.1:{port}/0", TIMEOUT), SESSION, OPTOUT)
    started = time.monotonic()
    with pytest.raises((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        run(store, PID, "SM2", 101, counting)
    assert time.monotonic() - started < 2  # two attempts of TIMEOUT at most; the caller sends the static reply


def test_missing_redis_server_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_SERVER", "/nonexistent/redis-server")
    with pytest.raises(RedisServerError, match="apt-get install redis-server"):
        RedisServer().start()


class CountingConnection(Connection):
    """A connection that counts what it sends: one send is one round trip (a pipeline is sent at once)."""

    sent: list[int]

    def send_packed_command(self, command: object, check_health: bool = True) -> None:
        """Count, then send."""
        self.sent.append(1)
        super().send_packed_command(command, check_health)


def commands_run(client: redis.Redis) -> dict[str, int]:
    """How many times the server ran each command."""
    return {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in client.info("commandstats").items()}


def race_once(rival: RedisStore) -> Callable[[State, int], Outcome]:
    """A counting turn during whose first call another client commits (so this commit conflicts once)."""
    calls = []

    def turn(state: State, at: int) -> Outcome:
        calls.append(at)
        if len(calls) == 1:
            run(rival, PID, "rival", at, counting)
        return counting(state, at)

    return turn


# (what happens, message id, turn, round trips): each case follows a warm-up message "SM0".
ROUND_TRIPS = [
    ("a new message", "SM1", "counting", 2),
    ("a Twilio retry of an answered message", "SM0", "counting", 1),
    ("an erase", "SM1", "erasing", 2),
    ("a message that loses one race", "SM1", "racing", 4),
    ("the first commit after the script cache was flushed", "SM1", "flushed", 3),  # EVALSHA, then EVAL
]


@pytest.mark.parametrize(("case", "message_id", "kind", "expected"), ROUND_TRIPS, ids=[c[0] for c in ROUND_TRIPS])
def test_round_trips_per_message(
    redis_server: RedisServer, client: redis.Redis, case: str, message_id: str, kind: str, expected: int
) -> None:
    counted = connect(redis_server.url, TIMEOUT)
    CountingConnection.sent = []
    counted.connection_pool.connection_class = CountingConnection  # before its first connection is made
    store = RedisStore(counted, SESSION, OPTOUT)
    run(store, PID, "SM0", 100, counting)  # warm: connection open, script cached
    turn = {"counting": counting, "erasing": erasing, "flushed": counting,
            "racing": race_once(RedisStore(client, SESSION, OPTOUT))}[kind]
    if kind == "flushed":
        client.script_flush()
    CountingConnection.sent = []
    run(store, PID, message_id, 101, turn)
    assert len(CountingConnection.sent) == expected
    counted.close()


def test_a_message_is_one_get_and_one_evalsha(store: RedisStore, client: redis.Redis) -> None:
    run(store, PID, "SM0", 100, counting)  # caches the script
    before = commands_run(client)
    run(store, PID, "SM1", 101, counting)
    after = commands_run(client)
    ran = {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}
    sent = {"get": 1, "evalsha": 1}  # load's GET, then the commit script: no EVAL, no SCRIPT LOAD
    in_script = {"get": 1, "set": 1}  # commandstats counts these too
    assert ran == {name: sent.get(name, 0) + in_script.get(name, 0) for name in {*sent, *in_script}} | {"info": 1}
