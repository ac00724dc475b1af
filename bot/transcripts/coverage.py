"""Which parts of the flows no transcript visits: nodes, choices, and global intents and topics, per language.

Everything counted comes from the flows (their nodes, each node's choices, the intents and topics that have words
in a language), never from a list kept here. A turn visits:

- a node, in the language of its reply, when the engine said it (`Outcome.said`);
- a choice (node, number), in the reply's language, when the engine says the message picked it
  (`Outcome.chose`);
- an intent or topic, in the language of the words that asked for it (the conversation's, for words both
  languages share), when the bot answered it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.engine import Outcome
from bot.flow.model import LANGUAGES, Flows, Intent, Keywords, Topic
from bot.text import fill, normalise
from bot.transcripts.play import Turn


@dataclass
class Coverage:
    """What the flows hold (every item, per language) and what the transcripts visited."""

    nodes: dict[tuple[str, str], bool] = field(default_factory=dict)  # (node, lang) -> visited
    choices: dict[tuple[str, int, str], bool] = field(default_factory=dict)  # (node, number, lang) -> visited
    intents: dict[tuple[str, str], bool] = field(default_factory=dict)  # ("intent stop" or "topic name", lang)

    @classmethod
    def of(cls, flows: Flows) -> Coverage:
        """Nothing visited yet, of everything `flows` hold."""
        coverage = cls()
        for name, node in flows.nodes.items():
            for lang in LANGUAGES:
                coverage.nodes[(name, lang)] = False
                for number in range(1, len(node.choices) + 1):
                    coverage.choices[(name, number, lang)] = False
        for intent, keywords in flows.keywords.items():
            for lang in _languages(keywords):
                coverage.intents[(f"intent {intent.value}", lang)] = False
        for topic in flows.topics:
            for lang in _languages(topic.keywords):
                coverage.intents[(_topic_label(topic), lang)] = False
        return coverage

    def add(self, flows: Flows, turns: Iterable[Turn]) -> None:
        """Count what these turns (one transcript, in order) visited."""
        for turn in turns:
            if turn.outcome is None:
                continue
            for kind, key in visits(flows, turn.exchange.text, turn.outcome):
                table = getattr(self, kind)
                if key in table:
                    table[key] = True

    def complete(self) -> bool:
        """Whether every node was visited in every language (what CI requires)."""
        return all(self.nodes.values())

    def report(self, flows: Flows) -> str:
        """The percentages, and every item no transcript visits."""
        sections = [("nodes × languages", self.nodes, lambda k: f"{k[0]} ({k[1]})"),
                    ("choices × languages", self.choices, lambda k: f"{_choice_label(flows, k[0], k[1])} ({k[2]})"),
                    ("intents and topics × languages", self.intents, lambda k: f"{k[0]} ({k[1]})")]
        lines = []
        for title, table, label in sections:
            visited = sum(table.values())
            lines.append(f"{title}: {visited}/{len(table)} visited ({percent(visited, len(table))})")
            lines += [f"  not visited: {label(key)}" for key, seen in table.items() if not seen]
        return "\n".join(lines)


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage (rounded down, so 99.9% never shows as 100%)."""
    if whole == 0:
        return "100%"
    tenths = part * 1000 // whole
    return f"{tenths // 10}.{tenths % 10}%" if tenths % 10 else f"{tenths // 10}%"


def visits(flows: Flows, text: str, outcome: Outcome) -> Iterator[tuple[str, tuple]]:
    """What one turn visited: ("nodes", (node, lang)), ("choices", (node, number, lang)), ("intents", (name, lang))."""
    lang = _reply_language(flows, outcome)
    for name in outcome.said:
        yield "nodes", (name, lang)
    if outcome.chose is not None:
        yield "choices", (*outcome.chose, lang)
        return
    match = flows.matcher.match(normalise(text))
    if match is None:
        return
    if isinstance(match.target, Intent) and outcome.replies and not outcome.limited:
        yield "intents", (f"intent {match.target.value}", match.lang or lang)
    elif isinstance(match.target, Topic) and outcome.said == (match.target.goto,):
        yield "intents", (_topic_label(match.target), match.lang or lang)


def _reply_language(flows: Flows, outcome: Outcome) -> str:
    """The language the bot answered in: the conversation's, or, once it is erased, the one the reply is in."""
    if outcome.state is not None and outcome.state.lang:
        return outcome.state.lang
    for lang in LANGUAGES:
        if outcome.said and outcome.replies and fill(flows.node(outcome.said[0]).say.get(lang)) == outcome.replies[0]:
            return lang
    return LANGUAGES[0]


def _languages(keywords: Keywords) -> list[str]:
    """The languages that have words or phrases for an intent or topic."""
    return [lang for lang in LANGUAGES if keywords.words.get(lang) or keywords.phrases.get(lang)]


def _topic_label(topic: Topic) -> str:
    return f"topic {topic.name}"


def _choice_label(flows: Flows, name: str, number: int) -> str:
    choice = flows.node(name).choices[number - 1]
    picked_by = choice.digit or next(iter(sorted(choice.all_words())), "?")
    return f"{name} choice {number} ({picked_by} -> {choice.goto})"
