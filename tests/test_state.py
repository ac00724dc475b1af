"""`evolve`: the engine's cheap copy of a frozen record, which must behave exactly as dataclasses.replace."""

from __future__ import annotations

import dataclasses

import pytest

from bot.engine import Outcome
from bot.state import NEW, State, evolve

BEFORE = State(node="menu", lang="es", last_seen=100, window_start=90, window_count=3)


@pytest.mark.parametrize("changes", [
    {},
    {"node": "signs"},
    {"lang": "en", "last_seen": 160},
    {"opted_out": True, "node": None},
    {"local": "TX:29.8,-95.4:all:0", "window_count": 4, "quiet_until": 700},
])
def test_evolve_is_dataclasses_replace(changes):
    after = evolve(BEFORE, **changes)
    assert after == dataclasses.replace(BEFORE, **changes)
    assert type(after) is State
    assert State(node="menu", lang="es", last_seen=100, window_start=90, window_count=3) == BEFORE  # untouched


def test_evolved_records_stay_frozen_and_hashable():
    after = evolve(NEW, node="menu")
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.node = "signs"
    assert hash(after) == hash(State(node="menu"))


def test_an_unknown_field_is_refused_as_replace_refuses_it():
    with pytest.raises(TypeError, match="no field nod"):
        evolve(BEFORE, nod="menu")


def test_evolve_copies_outcomes_too():
    outcome = Outcome(BEFORE, ("hello",), ("menu",))
    assert evolve(outcome, limited=True) == dataclasses.replace(outcome, limited=True)
