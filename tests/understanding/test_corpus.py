"""Messages people really write (tests/understanding/corpus.txt) reach what they ask for, in their language.

Each is sent mid-conversation, at the main menu, in the other language. Emergency and suicide must always
reach 911 and 988; no sentence may opt anyone out. The recall per label is printed at the end of the run.
"""

from __future__ import annotations

import pytest

from bot.engine import step
from bot.flow import load_flows
from bot.settings import REPO_FLOWS
from tests.understanding.corpus import RESULTS, judge, landing, read, starting_state

FLOWS = load_flows(REPO_FLOWS)
CASES = read()
NOW = 1_800_000_000


def test_the_corpus_is_big_enough_and_covers_both_languages():
    assert len(CASES) >= 150
    for label in ("emergency", "suicide", "help", "stop"):
        langs = {case.lang for case in CASES if case.label == label}
        assert {"en", "es"} <= langs, label


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_message_reaches_its_label_in_its_language(case):
    before = starting_state(case, NOW)
    outcome = step(FLOWS, before, case.text, NOW)
    got, got_lang = landing(FLOWS, before, outcome)
    reached, right_lang = judge(case, got, got_lang)
    RESULTS.setdefault(case.label, []).append((reached, right_lang))
    assert reached, f"line {case.line}: {case.text!r} reached {got}, not {case.label}"
    assert right_lang, f"line {case.line}: {case.text!r} was answered in {got_lang}, not {case.lang}"
    if case.label != "stop":
        assert outcome.state is None or outcome.state.opted_out == before.opted_out or case.label == "start"


@pytest.mark.parametrize("case", [c for c in CASES if c.label in ("emergency", "suicide")], ids=str)
def test_every_emergency_reaches_911_and_every_suicide_988(case):
    outcome = step(FLOWS, starting_state(case, NOW), case.text, NOW)
    assert "911" in outcome.replies[0]
    if case.label == "suicide":
        assert "988" in outcome.replies[0]
