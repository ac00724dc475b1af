"""RedisStore on the embedded fakeredis: keys, versions, replay records, TTLs, privacy, and `run` end to end."""

from __future__ import annotations

import json
from dataclasses import replace

import fakeredis
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.conversation import Outcome, Replay, Snapshot, run
from bot.identity import pseudonym
from bot.state import State
from bot.store import RedisStore, connect, embedded, seen_key, state_key

SESSION, OPTOUT, DEDUPE = 3600, 365 * 86400, 2 * 86400
PHONE = "+1 (555) 867-5309"
PID = pseudonym(b"test pepper", PHONE)
MENU = State(node="menu", lang="en", last_seen=100)


@pytest.fixture
def store() -> RedisStore:
    """A store on a fresh embedded server."""
    return RedisStore(embedded(), SESSION, OPTOUT, DEDUPE, dedupe_cap=5)


def counting(state: State, at: int) -> Outcome:
    """A turn that counts messages in State.node and says the count."""
    count = int(state.node or 0) + 1
    return Outcome(replace(state, node=str(count), last_seen=at), (f"count {count}",))


def erasing(state: State, at: int) -> Outcome:
    """A turn that forgets the conversation."""
    return Outcome(None, ("forgotten",))


def everything(client: redis.Redis) -> dict[str, object]:
    """Every key and its value (strings and hashes), decoded."""
    found: dict[str, object] = {}
    for key in client.scan_iter():
        name = key.decode()
        if client.type(key) == b"hash":
            found[name] = {f.decode(): v.decode() for f, v in client.hgetall(key).items()}
        else:
            found[name] = client.get(key).decode()
    return found


def test_unknown_conversation_loads_empty_at_version_0(store: RedisStore) -> None:
    assert store.load(PID, "m1") == Snapshot(None, 0, None)


def test_commit_then_load_round_trips_state_and_counts_versions(store: RedisStore) -> None:
    assert store.commit(PID, store.load(PID, "m1"), "m1", MENU, 100)
    assert store.load(PID, "m2") == Snapshot(MENU, 1)
    moved = replace(MENU, node="legal", last_seen=160)
    assert store.commit(PID, store.load(PID, "m2"), "m2", moved, 160)
    assert store.load(PID, "m3") == Snapshot(moved, 2)
    assert store.client.get(state_key(PID)) == f"2:{moved.to_json()}".encode()


def test_keys_carry_the_pseudonym_as_a_hash_tag() -> None:
    assert state_key("abc") == "hb:{abc}:state"
    assert seen_key("abc") == "hb:{abc}:seen"


@pytest.mark.parametrize(("case", "new_state"), [
    ("save", MENU),
    ("erase", None),
])
def test_stale_snapshot_is_refused_and_changes_nothing(store: RedisStore, case: str, new_state: State) -> None:
    stale = store.load(PID, "m1")
    assert store.commit(PID, stale, "m0", MENU, 100)  # another message won the race
    before = everything(store.client)
    assert store.commit(PID, stale, "m1", new_state, 101) is False
    assert everything(store.client) == before


@pytest.mark.parametrize("version", [1, 7])
def test_snapshot_ahead_of_an_empty_conversation_is_refused(store: RedisStore, version: int) -> None:
    assert store.commit(PID, Snapshot(MENU, version), "m1", MENU, 100) is False
    assert everything(store.client) == {}


def test_erase_removes_both_keys_and_does_not_record_the_message(store: RedisStore) -> None:
    store.commit(PID, store.load(PID, "m1"), "m1", MENU, 100)
    assert store.commit(PID, store.load(PID, "m2"), "m2", None, 101)
    assert everything(store.client) == {}
    assert store.load(PID, "m2") == Snapshot(None, 0, None)


@pytest.mark.parametrize(("before", "at"), [(None, 100), (MENU, 250)])
def test_replay_record_is_the_state_met_and_when(store: RedisStore, before: State | None, at: int) -> None:
    if before is not None:
        store.commit(PID, store.load(PID, "m0"), "m0", before, 50)
    store.commit(PID, store.load(PID, "m1"), "m1", replace(MENU, node="next"), at)
    assert store.load(PID, "m1").replay == Replay(before, at)
    assert store.load(PID, "m2").replay is None
    record = json.loads(store.client.hget(seen_key(PID), "m1"))
    assert set(record) == {"before", "at"}  # no reply text, no body


@pytest.mark.parametrize(("new_state", "state_ttl"), [
    (MENU, SESSION),
    (replace(MENU, opted_out=True), OPTOUT),  # an opt-out must outlive an idle conversation
])
def test_every_key_gets_its_ttl(store: RedisStore, new_state: State, state_ttl: int) -> None:
    store.commit(PID, store.load(PID, "m1"), "m1", new_state, 100)
    assert store.client.ttl(state_key(PID)) == state_ttl
    assert store.client.ttl(seen_key(PID)) == DEDUPE


def test_ttls_slide_and_follow_opt_out_and_opt_in(store: RedisStore) -> None:
    steps = [("m1", MENU, SESSION), ("m2", replace(MENU, opted_out=True), OPTOUT), ("m3", MENU, SESSION)]
    for message_id, new_state, state_ttl in steps:
        store.client.expire(state_key(PID), 5)  # time has passed since the last message
        store.client.expire(seen_key(PID), 5)
        assert store.commit(PID, store.load(PID, message_id), message_id, new_state, 100)
        assert store.client.ttl(state_key(PID)) == state_ttl
        assert store.client.ttl(seen_key(PID)) == DEDUPE


def test_seen_hash_is_capped_by_starting_over(store: RedisStore) -> None:
    sizes = []
    for n in range(1, 13):
        message_id = f"m{n}"
        assert store.commit(PID, store.load(PID, message_id), message_id, MENU, n)
        sizes.append(store.client.hlen(seen_key(PID)))
        assert store.load(PID, message_id).replay == Replay(MENU if n > 1 else None, n)
    assert sizes == [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]  # cap 5: never more, newest always kept


@pytest.mark.parametrize("setting", ["session_ttl", "optout_ttl", "dedupe_ttl", "dedupe_cap"])
def test_ttls_and_cap_must_be_positive(setting: str) -> None:
    values = {"session_ttl": 1, "optout_ttl": 1, "dedupe_ttl": 1, "dedupe_cap": 1, setting: 0}
    with pytest.raises(ValueError, match=setting):
        RedisStore(embedded(), **values)


def test_nothing_stored_holds_the_number_body_or_zip(store: RedisStore) -> None:
    body = "my zip is 90210 and my name is Maria"

    def reading(state: State, at: int) -> Outcome:  # a turn that sees the body, as the engine does
        return Outcome(replace(state, node="local", lang="en", last_seen=at), (f"You said {body}",))

    for message_id in ("SM1", "SM2", "SM1"):
        run(store, pseudonym(b"test pepper", PHONE), message_id, 1_700_000_000, reading)
    stored = json.dumps(everything(store.client))
    assert PID in stored  # the scan did see this conversation
    for secret in ("8675309", "555-867", "90210", "Maria", body, "You said"):
        assert secret not in stored


def test_store_works_with_a_decoding_client() -> None:
    store = RedisStore(fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True), 60, 60, 60)
    store.commit(PID, store.load(PID, "m1"), "m1", MENU, 100)
    assert store.load(PID, "m1") == Snapshot(MENU, 1, Replay(None, 100))


def test_embedded_servers_are_separate() -> None:
    first, second = RedisStore(embedded(), 60, 60, 60), RedisStore(embedded(), 60, 60, 60)
    first.commit(PID, first.load(PID, "m1"), "m1", MENU, 100)
    assert second.load(PID, "m1") == Snapshot(None, 0)


def test_connect_sets_short_timeouts_and_one_quick_retry() -> None:
    client = connect("redis://127.0.0.1:1/0", 0.25)  # nothing is contacted until the first command
    options = client.connection_pool.connection_kwargs
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.25
    assert options["retry"] == Retry(NoBackoff(), 1)  # redis-py's own default would back off 10 times


# run() end to end: (message id, expected reply) in order; a repeated id is a Twilio retry.
DELIVERIES = [
    ("SM1", "count 1"),
    ("SM1", "count 1"),  # retry: same reply, not advanced
    ("SM2", "count 2"),
    ("SM1", "count 1"),  # a late retry is rebuilt from the state SM1 met
    ("SM3", "count 3"),
    ("SM3", "count 3"),
]


def test_run_answers_each_message_once_and_replays_retries(store: RedisStore) -> None:
    replies = [run(store, PID, message_id, 1000 + n, counting).replies for n, (message_id, _) in enumerate(DELIVERIES)]
    assert replies == [(reply,) for _, reply in DELIVERIES]
    assert store.load(PID, "next") == Snapshot(State(node="3", last_seen=1004), 3)


def test_run_retries_after_losing_a_race(store: RedisStore) -> None:
    calls = []

    def racing(state: State, at: int) -> Outcome:
        calls.append(state.node)
        if len(calls) == 1:  # another message commits while this turn is thinking
            run(store, PID, "other", at, counting)
        return counting(state, at)

    assert run(store, PID, "mine", 100, racing).replies == ("count 2",)
    assert calls == [None, "1"]
    assert store.load(PID, "x").version == 2


def test_run_erase_leaves_nothing_and_a_retry_meets_a_new_conversation(store: RedisStore) -> None:
    run(store, PID, "SM1", 100, counting)
    assert run(store, PID, "SM2", 101, erasing).replies == ("forgotten",)
    assert everything(store.client) == {}
    assert run(store, PID, "SM2", 102, counting).replies == ("count 1",)

