"""On a Redis with a replica, an opt-out, an opt-in or an erasure is confirmed only once the replica has it.

Redis replicates after it answers. Here the replication link runs through `tests.tcp_link.Link`: it stalls
while the texter sends STOP, then the primary dies with the link and the replica takes over. Had the bot
confirmed the STOP before the replica had it, the new primary would not know it.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY

from bot import build_hotline, settings
from bot.hotline import Hotline
from bot.identity import pseudonym
from bot.state import State
from bot.store import key
from tests.redis_server import RedisServer
from tests.tcp_link import Link

pytestmark = pytest.mark.integration

PEPPER = "replica tests: a pepper of 32 bytes or more"
STALL = 0.2  # seconds the link stalls while the texter sends STOP: well under the bot's wait for a replica
_sids = itertools.count(1)


class Pair:
    """A primary, and a replica that follows it through a link the test controls."""

    def __init__(self, primary: RedisServer, replica: RedisServer, link: Link) -> None:
        self.primary, self.replica, self.link = primary, replica, link

    def fail_over(self) -> redis.Redis:
        """The primary dies with its link (whatever the link held is lost); the replica takes over."""
        self.link.cut()
        self.primary.kill()
        promoted = self.replica.client()
        promoted.execute_command("REPLICAOF", "NO", "ONE")
        return promoted


@pytest.fixture
def pair() -> Iterator[Pair]:
    with RedisServer() as primary, Link(primary.port) as link, RedisServer() as replica:
        primary.client().config_set("repl-diskless-sync-delay", 0)  # sync at once, not after 5 s
        replica.client().execute_command("REPLICAOF", "127.0.0.1", link.port)
        deadline = time.monotonic() + 10
        while replica.client().info("replication").get("master_link_status") != "up" or \
                primary.client().info("replication").get("connected_slaves") != 1:
            assert time.monotonic() < deadline, "the replica did not connect"
            time.sleep(0.02)
        yield Pair(primary, replica, link)


def hotline_on(pair: Pair, tmp_path: Path, timeout: float) -> Hotline:
    """The hotline as deployed on the primary; it waits half of `timeout` for a replica."""
    return build_hotline(settings.read({
        "HOTLINE_ENV": "production", "REDIS_URL": pair.primary.url, "HOTLINE_REDIS_MODE": "standalone",
        "HOTLINE_REDIS_TIMEOUT": str(timeout), "HOTLINE_PEPPER": PEPPER,
        "HOTLINE_SPOOL_DIR": str(tmp_path / "spool")}))


def send(hotline: Hotline, sender: str, text: str) -> str | None:
    return hotline.answer(sender, f"SM{next(_sids):032x}", text, int(time.time()))


def stored(client: redis.Redis, sender: str) -> State | None:
    raw = client.get(key(pseudonym(PEPPER.encode(), sender)))
    return None if raw is None else State.unpack(json.loads(raw.partition(b":")[2])[0])


def unreplicated() -> float:
    return REGISTRY.get_sample_value("hotline_opt_changes_unreplicated_total") or 0.0


CHANGES = [  # (what the texter sends after "hi" [and STOP], what the replica must hold after the failover)
    pytest.param(["STOP"], lambda state: state is not None and state.opted_out, id="STOP"),
    pytest.param(["STOP", "START"], lambda state: state is not None and not state.opted_out, id="START"),
    pytest.param(["DELETE"], lambda state: state is None, id="DELETE"),
]


@pytest.mark.parametrize(("messages", "holds"), CHANGES)
def test_an_opt_change_is_confirmed_only_once_the_replica_has_it(pair: Pair, tmp_path: Path, messages, holds
                                                                 ) -> None:
    hotline = hotline_on(pair, tmp_path, timeout=2.0)  # a replica gets up to 1 s to confirm
    sender = "+15550100601"
    for text in ["hi", *messages[:-1]]:
        send(hotline, sender, text)
    pair.primary.client().execute_command("WAIT", 1, 2000)  # everything before the last message is replicated
    before = unreplicated()
    pair.link.pause()
    threading.Timer(STALL, pair.link.resume).start()
    started = time.monotonic()
    reply = send(hotline, sender, messages[-1])
    took = time.monotonic() - started
    promoted = pair.fail_over()  # at once: what the link had not yet delivered is lost
    assert reply, "the texter is answered"
    assert holds(stored(promoted, sender)), "confirmed to the texter, then lost with the primary"
    assert took >= STALL, "answered before the replica could have it"
    assert unreplicated() == before


def test_a_replica_that_never_confirms_is_counted_and_logged_and_the_texter_still_answered(
        pair: Pair, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    hotline = hotline_on(pair, tmp_path, timeout=0.5)  # 0.25 s for a replica
    sender = "+15550100602"
    send(hotline, sender, "hi")
    before = unreplicated()
    pair.link.pause()
    with caplog.at_level(logging.WARNING):
        reply = send(hotline, sender, "STOP")
    pair.link.resume()
    assert reply and "no more messages" in reply
    assert stored(pair.primary.client(), sender).opted_out  # the primary has it
    assert unreplicated() == before + 1
    assert "no replica confirmed" in caplog.text and "555" not in caplog.text


def test_other_messages_do_not_wait_for_the_replica(pair: Pair, tmp_path: Path) -> None:
    hotline = hotline_on(pair, tmp_path, timeout=2.0)
    pair.link.pause()  # a replica that would hold up every message that waited for it
    started = time.monotonic()
    for text in ["hi", "3", "0", "menu"]:
        assert "1-888-373-7888" in send(hotline, "+15550100603", text)
    assert time.monotonic() - started < 0.5
    assert "cmdstat_wait" not in pair.primary.client().info("commandstats")
    pair.link.resume()
