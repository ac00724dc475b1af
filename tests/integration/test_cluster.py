"""The bot on a Redis Cluster (3 masters, 3 replicas, started from redis-server here): found from any node's
URL, conversations spread over every master, retries, opt-outs and erasure work, the health check writes to
every master, and a master's failover costs at most the static reply while it happens."""

from __future__ import annotations

import itertools
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.cluster import RedisCluster

from bot import build_hotline, settings
from bot.fallback import STATIC_REPLY
from bot.hotline import Hotline
from bot.identity import pseudonym
from bot.state import State
from bot.store import key
from tests import redis_cluster
from tests.redis_cluster import ClusterServers
from tests.redis_server import find_binary

pytestmark = pytest.mark.faults

PEPPER = "cluster tests: a pepper of 32 bytes or more"
HOTLINE = ("911", "1-888-373-7888", "233733")
_sids = itertools.count(1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[ClusterServers]:
    with ClusterServers() as started:
        yield started


@pytest.fixture
def hotline(cluster: ClusterServers, tmp_path: Path) -> Hotline:
    """The hotline as deployed, given the URL of one node and left to find out it is a cluster."""
    return build_hotline(settings.read({"HOTLINE_ENV": "production", "REDIS_URL": cluster.url,
                                        "HOTLINE_REDIS_MODE": "auto", "HOTLINE_REDIS_TIMEOUT": "0.5",
                                        "HOTLINE_PEPPER": PEPPER, "HOTLINE_SPOOL_DIR": str(tmp_path / "spool")}))


def send(hotline: Hotline, sender: str, text: str, sid: str | None = None) -> str | None:
    return hotline.answer(sender, sid or f"SM{next(_sids):032x}", text, int(time.time()))


def stored(cluster_client: RedisCluster, sender: str) -> State | None:
    raw = cluster_client.get(key(pseudonym(PEPPER.encode(), sender)))
    return None if raw is None else State.unpack(json.loads(raw.partition(b":")[2])[0])


def test_conversations_spread_over_every_master_and_behave_as_on_one_redis(cluster: ClusterServers,
                                                                          hotline: Hotline) -> None:
    client = hotline.store.client
    assert isinstance(client, RedisCluster)  # found out from one node's URL
    senders = [f"+1555010{n:04d}" for n in range(60)]  # fictional
    for sender in senders:
        assert "1-888-373-7888" in send(hotline, sender, "hi")
        sid = f"SM{next(_sids):032x}"
        first = send(hotline, sender, "3", sid)
        assert send(hotline, sender, "3", sid) == first  # a Twilio retry: same reply, not advanced twice
        assert stored(client, sender).node == "signs"
    assert all(cluster.node(port).dbsize() > 0 for port in cluster.masters())  # keys on all three masters
    assert "no more messages" in send(hotline, senders[0], "STOP")
    assert send(hotline, senders[0], "hi") is None
    assert stored(client, senders[0]).opted_out
    assert "We deleted" in send(hotline, senders[1], "DELETE")
    assert stored(client, senders[1]) is None
    assert "pause our replies" in "".join(filter(None, (send(hotline, senders[2], "what?") for _ in range(25))))
    assert hotline.store.ping()  # a write to every master


# No WAIT here before the switch: the bot confirms an opt-out only once a replica has it (bot.store), so the
# STOP below must survive even a crash straight after its reply.
def failover_by_command(cluster: ClusterServers, master: int, replica: int) -> None:
    cluster.node(replica).execute_command("CLUSTER", "FAILOVER")  # the replica catches up and takes over, in step


def failover_by_crash(cluster: ClusterServers, master: int, replica: int) -> None:
    cluster.crash(master)  # the others notice after the node timeout (2 s), and the replica is promoted


FAILOVERS = {"CLUSTER FAILOVER on the replica": failover_by_command, "the master crashes": failover_by_crash}


@pytest.mark.parametrize("failover", FAILOVERS.values(), ids=FAILOVERS.keys())
def test_a_master_failover_costs_at_most_the_static_reply(cluster: ClusterServers, hotline: Hotline,
                                                          failover) -> None:
    client = hotline.store.client
    talking, stopped = f"+155501090{next(_sids) % 100:02d}", "+15550109100"
    while client.get_node_from_key(key(pseudonym(PEPPER.encode(), stopped))).port != \
            client.get_node_from_key(key(pseudonym(PEPPER.encode(), talking))).port:
        stopped = f"+15550109{next(_sids) % 1000:03d}"  # both on the master that fails over
    send(hotline, talking, "hi")
    send(hotline, stopped, "hi")
    send(hotline, stopped, "STOP")
    master = client.get_node_from_key(key(pseudonym(PEPPER.encode(), talking))).port
    replica = cluster.replica_of(master)
    failover(cluster, master, replica)
    replies, started = [], time.monotonic()
    while time.monotonic() - started < 20:
        reply = send(hotline, talking, "3")
        replies.append(reply)
        assert reply is not None and all(part in reply for part in HOTLINE), reply  # never silence
        if reply != STATIC_REPLY and cluster.node(replica).info("replication")["role"] == "master":
            break
        time.sleep(0.05)
    assert cluster.node(replica).info("replication")["role"] == "master", "the failover did not happen"
    assert replies[-1] != STATIC_REPLY, "the bot did not come back after the failover"
    assert "Signs of trafficking" in send(hotline, talking, "3")  # the conversation goes on...
    assert send(hotline, stopped, "hi") is None  # ...and the opt-out survived the switch
    if not cluster.running(master):
        cluster.restart(master)  # it rejoins as a replica: the cluster is whole again for the next test
        cluster.wait_healthy()
    assert hotline.store.ping()
    print(f"{len(replies)} message(s) during the switch, {replies.count(STATIC_REPLY)} answered with the static "
          "reply")


def test_a_node_whose_port_was_taken_meanwhile_starts_on_another(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """A port chosen free can be taken by another socket before the node binds it (a full run once failed
    setting up the cluster so): that node starts again on another port instead of the whole set-up failing."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))  # bound, not listening: the node cannot bind it, and nothing answers
        taken = squatter.getsockname()[1]
        offered = iter([taken])
        choose = redis_cluster._node_port
        monkeypatch.setattr(redis_cluster, "_node_port", lambda ports: next(offered, None) or choose(ports))
        servers = ClusterServers()
        servers._dir, servers._binary = tmp_path, find_binary()
        try:
            port = servers._start_node()
            assert port != taken
            assert servers.running(port) and servers.node(port).ping()
        finally:
            servers.__exit__(None, None, None)
