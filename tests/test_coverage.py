"""Coverage of the flows by the conversation transcripts: every node in every language must be visited, and
each kind of visit is counted as the flows define it (nodes, choices, intents and topics)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.flow.model import LANGUAGES
from bot.transcripts.cli import transcript_paths
from bot.transcripts.coverage import Coverage, percent
from bot.transcripts.format import parse
from bot.transcripts.play import Engine, play
from tests.conftest import CONVERSATIONS, new_hotline


@pytest.fixture(scope="module")
def engine() -> Engine:
    """One hotline's flows and options; each transcript still plays on a fresh store."""
    return Engine(new_hotline())


def _coverage(engine: Engine, paths: list[Path]) -> Coverage:
    coverage = Coverage.of(engine.base.flows)
    for path in paths:
        coverage.add(engine.base.flows, play(parse(path), engine))
    return coverage


def test_the_transcripts_visit_every_node_in_every_language(engine: Engine):
    coverage = _coverage(engine, transcript_paths((CONVERSATIONS,)))
    assert coverage.complete(), coverage.report(engine.base.flows)


def test_what_is_counted_comes_from_the_flows(engine: Engine):
    flows = engine.base.flows
    coverage = Coverage.of(flows)
    assert set(coverage.nodes) == {(name, lang) for name in flows.nodes for lang in LANGUAGES}
    assert len(coverage.choices) == sum(len(node.choices) for node in flows.nodes.values()) * len(LANGUAGES)
    assert {name for name, _ in coverage.intents} == ({f"intent {intent.value}" for intent in flows.keywords}
                                                      | {f"topic {topic.name}" for topic in flows.topics})


def _visited(coverage: Coverage) -> set[tuple]:
    return {(kind, *key) for kind in ("nodes", "choices", "intents")
            for key, seen in getattr(coverage, kind).items() if seen}


@pytest.mark.parametrize(("conversation", "visited"), [
    ("> hi", {("nodes", "menu", "en"), ("intents", "intent hello", "en")}),
    ("> hola\n> 1", {("nodes", "menu", "es"), ("intents", "intent hello", "es"), ("nodes", "talk", "es"),
                     ("choices", "menu", 1, "es")}),
    # a main-menu number from a page counts as the main menu's choice
    ("> hi\n> 3\n> 1", {("nodes", "menu", "en"), ("intents", "intent hello", "en"), ("nodes", "signs", "en"),
                        ("choices", "menu", 3, "en"), ("nodes", "talk", "en"), ("choices", "menu", 1, "en")}),
    # erased: the language of the reply, though nothing is kept
    ("> BORRAR", {("nodes", "erased", "es"), ("intents", "intent delete", "es")}),
    # a word both languages list counts in the conversation's language
    ("> hola\n> STOP\n> hola", {("nodes", "menu", "es"), ("intents", "intent hello", "es"), ("nodes", "stopped", "es"),
                                ("intents", "intent stop", "es")}),
    ("> my boss took my passport", {("nodes", "labour", "en"), ("intents", "topic documents_wages_or_debt", "en")}),
    # not a choice: nothing matched, the re-prompt answered
    ("> hi\n> 9", {("nodes", "menu", "en"), ("intents", "intent hello", "en"), ("nodes", "reprompt", "en")}),
    # after an hour the conversation starts again: "1" is not read as a choice
    ("> hi\n@ wait 2h\n> 1", {("nodes", "menu", "en"), ("intents", "intent hello", "en")}),
])
def test_each_turn_counts_what_it_visited(engine: Engine, tmp_path: Path, conversation: str, visited: set[tuple]):
    path = tmp_path / "one.txt"
    path.write_text(conversation + "\n", encoding="utf-8")
    assert _visited(_coverage(engine, [path])) == visited


def test_the_report_lists_what_is_missing_with_percentages(engine: Engine, tmp_path: Path):
    path = tmp_path / "one.txt"
    path.write_text("> hi\n", encoding="utf-8")
    coverage = _coverage(engine, [path])
    report = coverage.report(engine.base.flows)
    nodes = len(coverage.nodes)
    assert report.startswith(f"nodes × languages: 1/{nodes} visited ({percent(1, nodes)})\n")
    assert "  not visited: menu (es)" in report and "  not visited: menu (en)" not in report
    assert "  not visited: menu choice 1 (1 -> talk) (en)" in report
    assert not coverage.complete()


@pytest.mark.parametrize(("part", "whole", "shown"), [
    (0, 0, "100%"), (44, 44, "100%"), (43, 44, "97.7%"), (999, 1000, "99.9%"), (1, 2, "50%"), (1, 3, "33.3%"),
])
def test_percentages_never_round_up_to_100(part: int, whole: int, shown: str):
    assert percent(part, whole) == shown
