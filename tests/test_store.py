"""RedisStore on the embedded fakeredis: keys, versions, replay records, TTLs, privacy, and `run` end to end."""

from __future__ import annotations

import base64
import hmac
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
from bot.store import CORRUPT, RECENT, RedisStore, connect, digest, embedded, key

SESSION, OPTOUT = 3600, 365 * 86400
PHONE = "+1 (555) 867-5309"
PID = pseudonym(b"test pepper", PHONE)
MENU = State(node="menu", lang="en", last_seen=100)


@pytest.fixture
def store() -> RedisStore:
    """A store on a fresh embedded server."""
    return RedisStore(embedded(), SESSION, OPTOUT)


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
    for stored in client.scan_iter():
        name = stored.decode()
        if client.type(stored) == b"hash":
            found[name] = {f.decode(): v.decode() for f, v in client.hgetall(stored).items()}
        else:
            found[name] = client.get(stored).decode()
    return found


def test_unknown_conversation_loads_empty_at_version_0(store: RedisStore) -> None:
    assert store.load(PID, "m1") == Snapshot(None, 0, None)


def test_commit_then_load_round_trips_state_and_counts_versions(store: RedisStore) -> None:
    assert store.commit(PID, store.load(PID, "m1"), "m1", MENU, 100)
    assert store.load(PID, "m2").state == MENU and store.load(PID, "m2").version == 1
    moved = replace(MENU, node="legal", last_seen=160, local='["TX",null,29.8,-95.4,"Houston, TX",null,0]')
    assert store.commit(PID, store.load(PID, "m2"), "m2", moved, 160)
    assert store.load(PID, "m3").state == moved and store.load(PID, "m3").version == 2
    assert store.client.get(key(PID)).startswith(b"2:[")


def test_one_short_key_per_conversation() -> None:
    assert pseudonym(b"test pepper", "+15558675309") == PID and len(PID) == 22  # 128 bits, URL-safe base64
    assert key(PID) == f"c:{PID}"


@pytest.mark.parametrize(("pepper", "sender", "address"), [
    (b"test pepper", "+15558675309", "sms:+15558675309"),
    (b"another pepper", "+1 (555) 867-5309", "sms:+15558675309"),
    (b"test pepper", "whatsapp:+15558675309", "whatsapp:+15558675309"),
    (b"test pepper", "web:Xy_9-token", "web:Xy_9-token"),
])
def test_a_pseudonym_is_the_first_128_bits_of_hmac_sha256_of_the_address(pepper, sender, address) -> None:
    """The definition every stored conversation and opt-out is filed under: computing it faster must not change it."""
    expected = hmac.digest(pepper, address.encode(), "sha256")[:16]
    assert base64.urlsafe_b64decode(pseudonym(pepper, sender) + "==") == expected


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


def test_erase_removes_the_key_and_does_not_record_the_message(store: RedisStore) -> None:
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
    stored = store.client.get(key(PID)).decode()
    assert "m1" not in stored and digest("m1") in stored  # a digest of the id, no reply text, no body


@pytest.mark.parametrize(("new_state", "ttl"), [
    (MENU, SESSION),
    (replace(MENU, opted_out=True), OPTOUT),  # an opt-out must outlive an idle conversation
])
def test_the_key_gets_its_ttl(store: RedisStore, new_state: State, ttl: int) -> None:
    store.commit(PID, store.load(PID, "m1"), "m1", new_state, 100)
    assert store.client.ttl(key(PID)) == ttl


def test_the_ttl_slides_and_follows_opt_out_and_opt_in(store: RedisStore) -> None:
    steps = [("m1", MENU, SESSION), ("m2", replace(MENU, opted_out=True), OPTOUT), ("m3", MENU, SESSION)]
    for message_id, new_state, ttl in steps:
        store.client.expire(key(PID), 5)  # time has passed since the last message
        assert store.commit(PID, store.load(PID, message_id), message_id, new_state, 100)
        assert store.client.ttl(key(PID)) == ttl


def test_the_last_few_messages_are_kept_for_replays_and_no_more(store: RedisStore) -> None:
    states = [replace(MENU, node=str(n)) for n in range(8)]
    for n in range(1, 8):
        assert store.commit(PID, store.load(PID, f"m{n}"), f"m{n}", states[n], n)
    for n in range(1, 8):
        expected = Replay(states[n - 1], n) if n > 7 - RECENT else None
        assert store.load(PID, f"m{n}").replay == expected, n
    assert len(store.load(PID, "next").recent) == RECENT


@pytest.mark.parametrize("setting", ["session_ttl", "optout_ttl"])
def test_ttls_must_be_positive(setting: str) -> None:
    values = {"session_ttl": 1, "optout_ttl": 1, setting: 0}
    with pytest.raises(ValueError, match=setting):
        RedisStore(embedded(), **values)


@pytest.mark.parametrize(("raw", "version"), [
    (b"garbage", CORRUPT),
    (b"x:[]", CORRUPT),
    (b"3:{not json", 3),
    (b"3:[1,2]", 3),
    (b'3:[["menu","en","maybe"]]', 3),
    # Versions Lua's tonumber would read and Python's int would not (or the other way): once, each made every
    # save of the conversation conflict, and its texter got only the static reply.
    (b"0x10:[]", CORRUPT),
    (b"7.0:[]", CORRUPT),
    (b"1e1:[]", CORRUPT),
    (b" 7:[]", CORRUPT),
    (b"07:[]", CORRUPT),
    (b"0:[]", CORRUPT),
    (b"-3:[]", CORRUPT),
    ("٣:[]".encode(), CORRUPT),  # an Arabic-Indic digit
    (b"", CORRUPT),
])
def test_a_record_that_cannot_be_read_is_new_and_replaceable(store: RedisStore, raw: bytes, version: int) -> None:
    store.client.set(key(PID), raw)
    snapshot = store.load(PID, "m1")
    assert (snapshot.state, snapshot.version) == (None, version)
    assert store.commit(PID, snapshot, "m1", MENU, 100)
    assert store.load(PID, "m2").state == MENU and store.client.ttl(key(PID)) == SESSION


def test_a_key_of_the_wrong_type_is_replaced(store: RedisStore) -> None:
    store.client.hset(key(PID), "x", "y")
    snapshot = store.load(PID, "m1")
    assert snapshot == Snapshot(None, CORRUPT)
    assert store.commit(PID, snapshot, "m1", MENU, 100)
    assert store.client.type(key(PID)) == b"string"


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
    store = RedisStore(fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True), 60, 60)
    store.commit(PID, store.load(PID, "m1"), "m1", MENU, 100)
    loaded = store.load(PID, "m1")
    assert (loaded.state, loaded.version, loaded.replay) == (MENU, 1, Replay(None, 100))


def test_a_server_that_will_not_say_its_replicas_still_takes_opt_outs(caplog: pytest.LogCaptureFixture) -> None:
    """fakeredis has no INFO replication, as a locked-down managed Redis might not: opt-outs are saved at once,
    and that they were not waited for is said once, not per opt-out."""
    store = RedisStore(embedded(), SESSION, OPTOUT, replica_wait=0.5)
    for message_id, opted_out in (("m1", True), ("m2", False), ("m3", True)):
        assert store.commit(PID, store.load(PID, message_id), message_id, replace(MENU, opted_out=opted_out), 100)
        assert store.load(PID, "-").state.opted_out is opted_out
    assert caplog.text.count("would not say whether it has replicas") == 1


def test_embedded_servers_are_separate() -> None:
    first, second = RedisStore(embedded(), 60, 60), RedisStore(embedded(), 60, 60)
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
    loaded = store.load(PID, "next")
    assert (loaded.state, loaded.version) == (State(node="3", last_seen=1004), 3)


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



@pytest.mark.parametrize("planted", [b"0x10:[]", b"7.0:[]", b"1e1:[]", b"07:[[\"menu\"]]"])
@pytest.mark.parametrize("turn", [counting, erasing])
def test_run_replaces_a_record_whose_version_only_lua_could_read(store: RedisStore, planted: bytes, turn) -> None:
    """The commit script once read "0x10:" as version 16 where `load` read no version: every save conflicted, `run`
    gave up after 8 tries, and the texter got only the static reply, a STOP only the spool, until the key expired."""
    store.client.set(key(PID), planted, ex=SESSION)
    assert run(store, PID, "SM1", 100, turn).replies in {("count 1",), ("forgotten",)}
    assert store.client.get(key(PID)) != planted


def test_a_stop_to_such_a_record_leaves_every_other_texter_answered(tmp_path) -> None:
    """What that cost, before: the STOP was spooled, the spool could not drain into the record, and since it drains
    before every answer, every other texter of the machine got only the static reply too."""
    from bot import build_hotline, settings
    from bot.fallback import STATIC_REPLY
    from bot.spool import Spool

    hotline = build_hotline(settings.read({"HOTLINE_ENV": "development"}))
    hotline.spool = Spool(tmp_path)
    hotline.store.client.set(key(pseudonym(hotline.pepper, PHONE)), b"0x10:[]", ex=SESSION)
    assert "START" in hotline.answer(PHONE, "SM" + "1" * 32, "STOP", 1000)
    assert hotline.spool.pending() == []
    assert hotline.answer("+15558670000", "SM" + "2" * 32, "hi", 1001) != STATIC_REPLY
