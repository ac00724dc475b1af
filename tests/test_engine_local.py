"""Local help in the engine, on the shipped flows and directory: what the conversation keeps, and when."""

from __future__ import annotations

import pytest

from bot.engine import RESULTS, step
from bot.flow import load_flows
from bot.referrals.places import resolve
from bot.referrals.search import Query
from bot.settings import REPO_FLOWS
from bot.state import State

FLOWS = load_flows(REPO_FLOWS)
NOW = 1_800_000_000
HOUSTON = Query.at(resolve("77002"))


def on_results(query: str | None = HOUSTON.to_str()) -> State:
    return State(node=RESULTS, lang="en", last_seen=NOW - 60, local=query)


def test_a_zip_code_from_anywhere_shows_the_results_and_keeps_the_query_not_the_zip():
    outcome = step(FLOWS, State(node="talk", lang="en", last_seen=NOW - 60), "77002", NOW)
    assert outcome.state.node == RESULTS and "Houston, TX" in outcome.replies[0]
    assert "77002" not in outcome.state.local and "77002" not in str(outcome.state.pack())
    assert Query.from_str(outcome.state.local).place.state == "TX"


@pytest.mark.parametrize(("message", "header"), [
    ("1", "Houston, TX - Shelter"),     # on the results, a digit picks a need, not a menu item
    ("shelter", "Houston, TX - Shelter"),
    ("refugio", "Houston, TX - Shelter"),  # either language's word; the reply follows the texter's
])
def test_on_the_results_a_need_narrows_the_same_place(message, header):
    outcome = step(FLOWS, on_results(), message, NOW)
    assert header in outcome.replies[0] or header.replace("Shelter", "Refugio") in outcome.replies[0]
    assert Query.from_str(outcome.state.local).need == "shelter"


def test_more_pages_on_and_after_the_last_page_says_that_is_all():
    state, replies = on_results(), []
    for _ in range(6):
        outcome = step(FLOWS, state, "MORE", NOW)
        state, replies = outcome.state, [*replies, outcome.replies[0]]
    assert replies[-1].startswith("That is all we list for Houston, TX.")


@pytest.mark.parametrize("kept", ["not json", '["TX"]', "", None])
def test_a_kept_query_that_cannot_be_read_is_ignored_and_the_menu_still_works(kept):
    outcome = step(FLOWS, on_results(kept), "1", NOW)
    assert outcome.state.node == "talk"


def test_leaving_the_results_forgets_the_query():
    outcome = step(FLOWS, on_results(), "7", NOW)  # 7 is not a need: the main menu's other help lines
    assert outcome.state.node == "other_lines" and outcome.state.local is None
    assert step(FLOWS, on_results(), "menu", NOW).state.local is None
    helped = step(FLOWS, on_results(), "help", NOW).state  # HELP answers where the texter is: still on the results
    assert (helped.node, helped.local) == (RESULTS, HOUSTON.to_str())


def test_a_need_word_away_from_the_results_is_not_a_need():
    outcome = step(FLOWS, State(node="talk", lang="en", last_seen=NOW - 60), "shelter", NOW)
    assert outcome.state.local is None and "Shelter" not in outcome.replies[0]


def test_a_stored_local_that_is_not_text_is_dropped():
    assert State.unpack(["local_found", "en", 0, 1, 42]).local is None
