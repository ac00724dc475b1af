"""Two web machines, one Redis: what one machine spooled while it could not reach Redis, and what the texter asked
later through the other.

The spool is per machine (`bot.spool`). While machine A is cut off from Redis, a texter's STOP, START or DELETE
there is spooled and confirmed; their next messages may reach machine B, which writes to Redis at once. When A
reaches Redis again it applies its spool: a later opt-out or opt-in made through B must stand, and no STOP may be
lost. Before the state kept the time of the last opt decision (`State.opt_at`), A's old STOP undid a later START,
and A's old START or DELETE undid a later STOP.
"""

from __future__ import annotations

from pathlib import Path

import fakeredis
import pytest
import redis

from bot.conversation import Snapshot
from bot.flow import load_flows
from bot.hotline import Hotline
from bot.identity import pseudonym
from bot.settings import REPO_FLOWS
from bot.spool import Spool
from bot.state import State
from bot.store import RedisStore

FLOWS = load_flows(REPO_FLOWS)
PEPPER = b"two machines, one pepper"
TEXTER = "+15558675309"
A_FROM, B_FROM = 1_000_000, 2_000_000  # when each machine's messages are sent (B's later), epoch seconds


class CutOff:
    """The store as a machine sees it while it cannot reach Redis."""

    def ping(self) -> bool:
        raise redis.ConnectionError("cut off")

    def load(self, pid: str, message_id: str) -> Snapshot:
        raise redis.ConnectionError("cut off")

    def commit(self, *args: object) -> bool:
        raise redis.ConnectionError("cut off")


def machines(tmp_path: Path) -> tuple[Hotline, Hotline, RedisStore]:
    """Machines A (cut off) and B, each with its own spool, and the Redis they share."""
    shared = RedisStore(fakeredis.FakeRedis(server=fakeredis.FakeServer()), 3600, 365 * 86400)
    a = Hotline(flows=FLOWS, store=CutOff(), pepper=PEPPER, spool=Spool(tmp_path / "a"))
    b = Hotline(flows=FLOWS, store=shared, pepper=PEPPER, spool=Spool(tmp_path / "b"))
    return a, b, shared


def send(machine: Hotline, texts: list[str], start: int) -> None:
    for n, text in enumerate(texts):
        machine.answer(TEXTER, f"SM{start + n:032x}", text, start + n)


def stored(shared: RedisStore) -> State | None:
    return shared.load(pseudonym(PEPPER, TEXTER), "SM" + "f" * 32).state


@pytest.mark.parametrize(("on_a_cut_off", "then_on_b", "opted_out"), [
    # A, cut off from Redis   B, later        opted out once A applied its spool
    (["STOP"],                ["START"],      False),  # the later START stands (before: A's STOP undid it)
    (["STOP", "START"],       ["STOP"],       True),   # the later STOP stands (before: A's START undid it)
    (["DELETE"],              ["STOP"],       True),   # an erasure drops no later STOP (before: it did)
    (["STOP"],                ["hi", "2"],    True),   # ordinary messages are no opt decision: the STOP holds
    (["STOP"],                [],             True),
    (["START"],               ["STOP"],       True),   # nothing was spooled: a START when not opted out is the menu
])
def test_a_later_opt_decision_through_another_machine_stands(tmp_path: Path, on_a_cut_off: list[str],
                                                             then_on_b: list[str], opted_out: bool) -> None:
    a, b, shared = machines(tmp_path)
    send(a, on_a_cut_off, A_FROM)
    send(b, then_on_b, B_FROM)
    a.store = shared  # A reaches Redis again, and applies its spool before answering anyone
    a.apply_spool()
    state = stored(shared)
    assert (state is not None and state.opted_out) is opted_out
    assert a.spool.pending() == []


def test_an_erasure_with_no_later_opt_decision_erases(tmp_path: Path) -> None:
    a, b, shared = machines(tmp_path)
    send(a, ["DELETE"], A_FROM)
    send(b, ["hi", "2"], B_FROM)
    a.store = shared
    a.apply_spool()
    assert stored(shared) is None


def test_after_an_erasure_only_a_later_stop_is_kept(tmp_path: Path) -> None:
    """The erasure still forgets where the texter was and what language they wrote in; the later STOP stays."""
    a, b, shared = machines(tmp_path)
    send(b, ["hola", "2"], A_FROM - 100)
    send(a, ["DELETE"], A_FROM)
    send(b, ["STOP"], B_FROM)
    a.store = shared
    a.apply_spool()
    assert stored(shared) == State(opted_out=True, last_seen=B_FROM, opt_at=B_FROM)
