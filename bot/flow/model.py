"""The flow model: what the bot can say and how a texter moves through it.

Immutable, validated once at start-up by `bot.flow.loader`, and shared by every conversation.
Vocabulary (after nyaruka/goflow): a *node* says something and offers *choices*; a choice is
picked by its digit or one of its keywords and leads to another node. *Intents* are the global
keywords (emergency, help, opt-out, ...) answered from anywhere in the menu.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

LANGUAGES = ("en", "es")


class Intent(StrEnum):
    """Global keywords, in the order they are checked: safety first."""

    EMERGENCY = "emergency"  # 911 first, then the national hotline
    HELP = "help"  # 911, the hotline, how to use the menu; answered even after opt-out
    DELETE = "delete"  # erase everything stored about the sender
    STOP = "stop"  # opt out: one confirmation, then silence
    START = "start"  # opt back in
    ENGLISH = "english"  # switch language, show the menu
    SPANISH = "spanish"
    MENU = "menu"  # back to the main menu
    HELLO = "hello"  # greetings: show the menu; on a first message they pick the language


# Nodes the engine says on its own (not reached through a choice); every flow set must define them.
SYSTEM_NODES = (
    "emergency",  # Intent.EMERGENCY
    "help",  # Intent.HELP
    "stopped",  # Intent.STOP confirmation
    "started",  # Intent.START confirmation
    "erased",  # Intent.DELETE confirmation
    "local_found",  # a ZIP code that names a place; text may use {place}
    "local_unknown",  # a ZIP code we cannot place
    "reprompt",  # unrecognised input on a node with no reprompt of its own
)

# Placeholders a node's text may use, by node; anything else in braces is a flow error.
PLACEHOLDERS: Mapping[str, frozenset[str]] = {"local_found": frozenset({"place"})}


@dataclass(frozen=True)
class Source:
    """Where something was written, so errors and tools can point an operator at it."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Localized:
    """One text in every supported language."""

    en: str
    es: str

    def get(self, lang: str) -> str:
        """The text in `lang` (English for anything unknown)."""
        return self.es if lang == "es" else self.en


@dataclass(frozen=True)
class Choice:
    """One way out of a node: a digit and/or keywords (already normalised), leading to `goto`."""

    goto: str
    digit: str | None = None
    words: frozenset[str] = frozenset()
    source: Source | None = field(default=None, compare=False)

    def matches(self, normalised: str) -> bool:
        """True when the normalised message picks this choice."""
        return normalised == self.digit or normalised in self.words


@dataclass(frozen=True)
class Node:
    """Something the bot says, and the choices it offers next."""

    name: str
    say: Localized
    choices: tuple[Choice, ...] = ()
    reprompt: Localized | None = None
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Keywords:
    """How one intent is recognised, per language: whole-message `words`, and `phrases` found inside."""

    words: Mapping[str, frozenset[str]]  # lang -> normalised words
    phrases: Mapping[str, tuple[str, ...]]  # lang -> normalised phrases (matched on word boundaries)


@dataclass(frozen=True)
class Flows:
    """Everything the operators wrote, validated: nodes by name, intents' keywords, the start node."""

    start: str
    nodes: Mapping[str, Node]
    keywords: Mapping[Intent, Keywords]
    spec: int = 1

    def node(self, name: str) -> Node:
        """The node called `name` (the loader guarantees every reference exists)."""
        return self.nodes[name]

    def vocabulary(self, lang: str) -> frozenset[str]:
        """Single words that mark a message as written in `lang`: its keywords' words, less shared ones."""
        return self._vocabularies[lang]

    @cached_property
    def _vocabularies(self) -> Mapping[str, frozenset[str]]:
        bags: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        for keywords in self.keywords.values():
            for lang in LANGUAGES:
                for text in (*keywords.words.get(lang, ()), *keywords.phrases.get(lang, ())):
                    bags[lang].update(w for w in text.split() if not w.isdigit())
        return {lang: frozenset(bag - set().union(*(bags[o] for o in LANGUAGES if o != lang)))
                for lang, bag in bags.items()}
