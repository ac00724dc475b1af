"""`hotline-bot flows graph`: a picture of the menu that shows every page and choice of the flows, and the
README's copy of it, which must be what the command prints for the shipped flows."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.engine import step
from bot.flow import load_flows
from bot.flow.graph import INTENT_REPLIES, SAID_WHEN, choice_label, dot, mermaid
from bot.flow.model import SYSTEM_NODES, Choice, Flows, Intent, Localized, Node
from bot.settings import REPO_FLOWS
from bot.state import State

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- flows graph: begin -->", "<!-- flows graph: end -->"
REGENERATE = ".venv/bin/hotline-bot flows graph --format mermaid flows"
FLOWS = load_flows(REPO_FLOWS)
NOW = 1_700_000_000


def _id(name: str) -> str:
    return "n_" + name


@pytest.mark.parametrize("draw", [mermaid, dot])
def test_every_node_of_the_shipped_flows_is_drawn(draw) -> None:
    drawn = draw(FLOWS)
    for name in FLOWS.nodes:
        assert re.search(rf"\b{_id(name)}\b", drawn), name


@pytest.mark.parametrize(("draw", "arrow"), [(mermaid, r"{a} -->\|\"{label}\"\| {b}"),
                                              (dot, r"{a} -> {b} \[label=\"{label}\"\]")])
def test_every_choice_is_an_arrow_labelled_with_its_digit_and_words(draw, arrow: str) -> None:
    drawn = draw(FLOWS)
    for node in FLOWS.nodes.values():
        for choice in node.choices:
            label = choice_label(choice)
            assert choice.digit is None or label.startswith(choice.digit)
            assert any(word in choice.all_words() for word in label.split()), label
            assert re.search(arrow.format(a=_id(node.name), b=_id(choice.goto), label=re.escape(label)), drawn)


def test_every_topic_is_a_dotted_arrow_to_its_page() -> None:
    drawn = mermaid(FLOWS)
    for topic in FLOWS.topics:
        assert f'box_free_text -.->|"{topic.name.replace("_", " ")}"| {_id(topic.goto)}' in drawn


def test_the_nodes_said_from_anywhere_are_grouped_without_arrows() -> None:
    drawn = mermaid(FLOWS)
    group = drawn.split('subgraph anywhere ["Answered from anywhere"]')[1].split("    end")[0]
    chosen = {choice.goto for node in FLOWS.nodes.values() for choice in node.choices}
    for name in SYSTEM_NODES:
        assert (f"{_id(name)}[" in group) == (name not in chosen), name
        if name not in chosen:
            assert not re.search(rf"-.*\| {_id(name)}$", drawn, re.MULTILINE), f"an arrow into {name}"


@pytest.mark.parametrize("intent", list(INTENT_REPLIES))
def test_the_picture_says_what_the_engine_answers_to_each_intent(intent) -> None:
    """INTENT_REPLIES is the engine's behaviour written down: check it against the engine itself."""
    word = min(FLOWS.keywords[intent].words["en"], key=len)
    opted_out = intent is Intent.START  # START is confirmed only to someone who had opted out
    outcome = step(FLOWS, State(node="danger", lang="en", last_seen=NOW - 10, opted_out=opted_out), word, NOW)
    assert outcome.said == (INTENT_REPLIES[intent] or FLOWS.start,)


def test_every_system_node_says_when_it_comes() -> None:
    for name in SYSTEM_NODES:
        assert name in SAID_WHEN or name in INTENT_REPLIES.values(), name


@pytest.mark.parametrize("word", ['say "hi"', "a [b] c", "x|y", "#1 <b>", "back\\slash", "end"])
def test_a_word_cannot_break_the_diagrams(word: str) -> None:
    """Quotes, brackets, bars and the like in a choice's word stay inside its label."""
    say = Localized("text", "texto")
    flows = Flows(start="home", keywords={}, nodes={
        "home": Node("home", say, (Choice("end", "1", {"en": frozenset({word})}),)),
        "end": Node("end", say)})
    drawn = mermaid(flows)
    edge = re.search(r'^    n_home -->\|"([^"]*)"\| n_end$', drawn, re.MULTILINE)
    assert edge and not set(edge.group(1)) & set('"|<>'), drawn
    label = re.search(r'^    n_home -> n_end \[label="((?:[^"\\]|\\.)*)"\];$', dot(flows), re.MULTILINE)
    assert label and label.group(1).replace('\\"', '"').replace("\\\\", "\\") == f"1 {word}"


def test_the_command_prints_each_format() -> None:
    runner = CliRunner()
    drawn = runner.invoke(main, ["flows", "graph", str(REPO_FLOWS)])
    assert drawn.exit_code == 0 and drawn.output == mermaid(FLOWS)
    drawn = runner.invoke(main, ["flows", "graph", str(REPO_FLOWS), "--format", "dot"])
    assert drawn.exit_code == 0 and drawn.output == dot(FLOWS)


def test_with_graphviz_the_picture_is_an_svg_of_every_page() -> None:
    """Graphviz draws the dot text (so its syntax is right) into an SVG naming every node; CI installs it."""
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot is not installed (apt-get install graphviz; .ci/run does)")
    drawn = CliRunner().invoke(main, ["flows", "graph", str(REPO_FLOWS), "--format", "svg"])
    assert drawn.exit_code == 0, drawn.output
    svg = ET.fromstring(drawn.output.split("\n", 3)[3] if drawn.output.startswith("<?xml") else drawn.output)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    drawn_text = " ".join(text.text or "" for text in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert [name for name in FLOWS.nodes if name not in drawn_text] == []


def test_svg_without_graphviz_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    drawn = CliRunner().invoke(main, ["flows", "graph", str(REPO_FLOWS), "--format", "svg"])
    assert drawn.exit_code == 2
    assert "Graphviz" in drawn.output and "--format mermaid" in drawn.output


def test_broken_flows_are_not_drawn(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "menu.yaml").write_text("spec: 1\nstart: nowhere\nnodes: {}\n", encoding="utf-8")
    drawn = CliRunner().invoke(main, ["flows", "graph", str(folder)])
    assert drawn.exit_code == 1
    assert "menu.yaml" in drawn.output and "flows check" in drawn.output


def test_the_readme_shows_the_current_menu() -> None:
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"README.md lost its {BEGIN} ... {END} markers"
    shown = text.split(BEGIN)[1].split(END)[0].strip()
    expected = f"```mermaid\n{mermaid(FLOWS)}```"
    assert shown == expected, (
        f"The menu in README.md is out of date with flows/. Run\n    {REGENERATE}\nand paste its output into "
        f"the ```mermaid block between {BEGIN} and {END}.")
