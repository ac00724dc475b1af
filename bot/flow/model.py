"""The flow model: what the bot can say and how a texter moves through it.

Immutable, validated by `bot.flow.loader` when the flows are loaded (at start-up, and again by `bot.reload` when
the files change), and shared by every conversation.

Vocabulary (after nyaruka/goflow): a *node* says something and offers *choices*; a choice is
picked by its digit or one of its keywords and leads to another node. *Intents* are the global
keywords (emergency, help, opt-out, ...) answered from anywhere in the menu; *topics* are phrases
found in free text ("my boss took my passport") that lead to a page from anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.matching import Matcher
    from bot.referrals.directory import Directory
    from bot.referrals.render import Page
    from bot.referrals.search import Query

LANGUAGES = ("en", "es")


class Intent(StrEnum):
    """Global keywords, in the order they are checked: safety first."""

    EMERGENCY = "emergency"  # 911 first, then the national hotline
    SUICIDE = "suicide"  # 988, 911 if in danger now, the hotline; answered even after opt-out
    HELP = "help"  # 911, the hotline, how to use the menu; answered even after opt-out
    DELETE = "delete"  # erase everything stored about the sender
    STOP = "stop"  # opt out: one confirmation, then silence
    START = "start"  # opt back in
    ENGLISH = "english"  # switch language, show the menu
    SPANISH = "spanish"
    MENU = "menu"  # back to the main menu
    HELLO = "hello"  # greetings: show the menu; on a first message they pick the language


# Intents matched only as written: a typo must never opt someone out, back in, or erase them
# (carriers match STOP and START exactly too). Every other intent, topic and choice word tolerates one.
EXACT_ONLY = frozenset({Intent.DELETE, Intent.STOP, Intent.START})
# Intents still answered after an opt-out: cries for help, the way back in, and erasure.
ANSWERED_WHEN_OPTED_OUT = frozenset({Intent.EMERGENCY, Intent.SUICIDE, Intent.HELP, Intent.START, Intent.DELETE})

# Nodes the engine says on its own (not reached through a choice); every flow set must define them.
SYSTEM_NODES = (
    "emergency",  # Intent.EMERGENCY
    "suicide",  # Intent.SUICIDE
    "local",  # asks where the texter is: a ZIP code, a city and state, or a state
    "help",  # Intent.HELP
    "stopped",  # Intent.STOP confirmation
    "started",  # Intent.START confirmation
    "erased",  # Intent.DELETE confirmation
    "local_found",  # the help found for a place (from the directory; without one, this text with {place})
    "local_unknown",  # a ZIP code we cannot place
    "reprompt",  # unrecognised input: the no-dead-end answer; {hint} is the node's own reprompt
    "slowed",  # a sender writing faster than the rate limit: replies pause (cries for help still answered)
)

# Placeholders a node's text may use, by node; anything else in braces is a flow error.
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "local_found": frozenset({"place"}),  # the state or territory a ZIP code names
    "help": frozenset({"program"}),  # the program's name (HOTLINE_PROGRAM_NAME), as short-code rules require
    "reprompt": frozenset({"hint"}),  # the reprompt of the node the texter is at, or nothing
}


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
    """One way out of a node: a digit and/or words per language (already normalised), leading to `goto`."""

    goto: str
    digit: str | None = None
    words: Mapping[str, frozenset[str]] = field(default_factory=dict)  # lang -> whole-message words
    source: Source | None = field(default=None, compare=False)

    def matches(self, normalised: str) -> bool:
        """True when the normalised message picks this choice (its digit, or a word in any language)."""
        return normalised == self.digit or any(normalised in words for words in self.words.values())

    def all_words(self) -> frozenset[str]:
        """Every word that picks this choice, in any language."""
        return frozenset().union(*self.words.values())


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


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each topic is written once
class Topic:
    """Free text people send about one subject ("they took my passport"), and the page it leads to."""

    name: str
    goto: str
    keywords: Keywords
    source: Source | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Flows:
    """Everything the operators wrote, validated: nodes by name, intents' keywords, topics, the start node."""

    start: str
    nodes: Mapping[str, Node]
    keywords: Mapping[Intent, Keywords]
    topics: tuple[Topic, ...] = ()
    language_words: Mapping[str, frozenset[str]] = field(default_factory=dict)  # lang -> common words
    directory: Directory | None = None  # the referral directory under flows/directory/, if there is one
    spec: int = 1

    def node(self, name: str) -> Node:
        """The node called `name` (the loader guarantees every reference exists)."""
        return self.nodes[name]

    @cached_property
    def local_page(self) -> Callable[[Query, str, int], Page]:
        """The directory's page for (query, language, minute), kept for the minute: the same few places are
        asked for again and again, and only the minute (hours open) changes the answer."""
        from bot.referrals.render import page

        directory = self.directory
        return lru_cache(maxsize=2048)(lambda query, lang, minute: page(directory, query, lang, minute * 60))

    @cached_property
    def matcher(self) -> Matcher:
        """What the flows listen for, indexed once (built on first use, then shared)."""
        from bot.matching import Matcher  # the matcher is built from this model

        return Matcher(self)
