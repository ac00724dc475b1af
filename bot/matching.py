"""How a message is understood: intents, topics and choice words, as written or with a typo, safety first.

Pure, and built once per flow set (`Flows.matcher`). The message is already folded (`bot.text.normalise`).

Precedence: the intents in `Intent` order (emergency, suicide, help, delete, stop, start, english,
spanish, menu, hello), then the topics in the order they are written. A whole-message word and a phrase
found inside the message count the same; the earliest intent wins.

Typos (rapidfuzz's OSA distance, so two swapped neighbours are one edit): a word of 5 to 7 letters in a
keyword, topic or choice also matches with one edit, of 8 or more letters with two; a 4-letter word with
two neighbouring letters swapped ("hepl"); and any word with letters held down ("helppp", "ayudaaa").
Intents in `EXACT_ONLY` (stop, start, delete) never match a corrected message: a typo must not opt
anyone out or erase them. A word the flows already use is never "corrected" into another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from bot.flow.model import EXACT_ONLY, LANGUAGES, Flows, Intent, Keywords, Topic

Target = Intent | Topic
_HELD_DOWN = re.compile(r"(.)\1+")  # "helppp" -> "help", compared with keywords squeezed the same way
_CACHE_SIZE = 4096  # corrected words kept per flow set (texters repeat their typos; attackers are bounded)


@dataclass(frozen=True)
class Match:
    """What a message asks for, and the language of the words that said it (None: both languages use them)."""

    target: Target
    lang: str | None
    corrected: bool = False  # found only after correcting typos
    rank: int = 0  # precedence: lower wins


@dataclass(frozen=True)
class _Entry:
    rank: int  # lower wins
    target: Target
    lang: str
    tokens: tuple[str, ...]
    whole: bool  # a word that must be the whole message, rather than a phrase found inside it


class _Index:
    """Entries by whole message and by the first word of each phrase, for a linear scan of the message."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self.whole: dict[str, list[_Entry]] = {}
        self.by_first: dict[str, list[_Entry]] = {}
        for entry in entries:
            if entry.whole:
                self.whole.setdefault(" ".join(entry.tokens), []).append(entry)
            else:
                self.by_first.setdefault(entry.tokens[0], []).append(entry)

    def found(self, tokens: tuple[str, ...]) -> Iterator[_Entry]:
        """Every entry the message (as tokens) contains."""
        yield from self.whole.get(" ".join(tokens), ())
        for i, token in enumerate(tokens):
            for entry in self.by_first.get(token, ()):
                if tokens[i:i + len(entry.tokens)] == entry.tokens:
                    yield entry


class Matcher:
    """Everything the flows listen for, indexed once."""

    def __init__(self, flows: Flows) -> None:
        """Index the keywords and topics of `flows`, and the words of every choice (for typos and language)."""
        entries = list(_entries(flows))
        self._exact = _Index(entries)
        self._tolerant = _Index(e for e in entries if e.target not in EXACT_ONLY)
        choice_words = {lang: {w for node in flows.nodes.values() for c in node.choices for w in c.words.get(lang, ())}
                        for lang in LANGUAGES}
        bags: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        for entry in entries:
            bags[entry.lang].update(entry.tokens)
        for lang, words in choice_words.items():
            bags[lang].update(t for w in words for t in w.split())
        for lang, words in flows.language_words.items():
            bags[lang].update(t for w in words for t in w.split())
        self._known = frozenset().union(*bags.values())
        # Words a typo may be corrected into, best first: the earliest intent's, then choices'.
        targets = [t for e in sorted(entries, key=lambda e: e.rank) if e.target not in EXACT_ONLY for t in e.tokens]
        targets += sorted(t for words in choice_words.values() for w in words for t in w.split())
        self._targets = [t for t in dict.fromkeys(targets) if len(t) >= 4 and t.isalpha()]
        self._squeezed: dict[str, str] = {}
        for word in self._targets:
            self._squeezed.setdefault(_HELD_DOWN.sub(r"\1", word), word)
        self._exclusive = {lang: frozenset(t for t in bag - set().union(*(bags[o] for o in bags if o != lang))
                                           if not t.isdigit())
                           for lang, bag in bags.items()}
        self._correct_word = lru_cache(maxsize=_CACHE_SIZE)(self._correction)
        # Most messages are a handful of words texters send again and again ("1", "hi", "menu"): keep the answer.
        self.match = lru_cache(maxsize=_CACHE_SIZE)(self._match)  # type: ignore[method-assign]
        self.language = lru_cache(maxsize=_CACHE_SIZE)(self._language)  # type: ignore[method-assign]

    def _match(self, message: str) -> Match | None:
        """The intent or topic `message` asks for, written as is or with typos; None if it asks for none."""
        tokens = tuple(message.split())
        if not tokens:
            return None
        best = _best(self._exact.found(tokens), corrected=False)
        corrected = tuple(self.correct(message).split())
        if corrected != tokens:
            fuzzy = _best(self._tolerant.found(corrected), corrected=True)
            if fuzzy is not None and (best is None or fuzzy.rank < best.rank):
                best = fuzzy
        return best

    def match(self, message: str) -> Match | None:  # replaced per instance by a cached _match (see __init__)
        """The intent or topic `message` asks for, written as is or with typos; None if it asks for none."""
        return self._match(message)

    def correct(self, message: str) -> str:
        """`message` with each word the flows do not know replaced by the one it is a typo of, if any."""
        return " ".join(self._correct_word(token) for token in message.split())

    def language(self, message: str) -> str | None:  # replaced per instance by a cached _language
        """The language `message` is clearly written in: words of only one language's keywords, none of the
        other's. None when it does not say."""
        return self._language(message)

    def _language(self, message: str) -> str | None:
        tokens = set(message.split()) | set(self.correct(message).split())
        found = [lang for lang in LANGUAGES if tokens & self._exclusive[lang]]
        return found[0] if len(found) == 1 else None

    def words_of(self, lang: str) -> frozenset[str]:
        """Words only `lang`'s keywords, topics and choices use (for guessing a first message's language)."""
        return self._exclusive[lang]

    def _correction(self, token: str) -> str:
        if token in self._known or len(token) < 4 or not token.isalpha():
            return token
        squeezed = _HELD_DOWN.sub(r"\1", token)
        if squeezed != token and squeezed in self._squeezed:
            return self._squeezed[squeezed]
        for word, distance, _ in sorted(extract(token, self._targets, scorer=OSA.distance, score_cutoff=2,
                                                limit=8), key=lambda found: (found[1], found[2])):
            if distance <= _allowed_edits(word) or (len(word) == 4 and _swapped_neighbours(token, word)):
                return word
        return token


def _allowed_edits(word: str) -> int:
    """How many edits a keyword of this length tolerates: short words are too easily another word."""
    return 2 if len(word) >= 8 else 1 if len(word) >= 5 else 0


def _swapped_neighbours(token: str, word: str) -> bool:
    """True when `token` is `word` with two neighbouring letters swapped ("hepl" for "help")."""
    if len(token) != len(word):
        return False
    diff = [i for i, (a, b) in enumerate(zip(token, word, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and token[diff[0]] == word[diff[1]] \
        and token[diff[1]] == word[diff[0]]


def _entries(flows: Flows) -> Iterator[_Entry]:
    """Every word and phrase of every intent and topic, ranked by precedence."""
    groups: list[tuple[Target, Keywords]] = [(i, flows.keywords[i]) for i in Intent if i in flows.keywords]
    groups += [(topic, topic.keywords) for topic in flows.topics]
    for rank, (target, keywords) in enumerate(groups):
        for lang in LANGUAGES:
            for word in keywords.words.get(lang, ()):
                yield _Entry(rank, target, lang, tuple(word.split()), whole=True)
            for phrase in keywords.phrases.get(lang, ()):
                yield _Entry(rank, target, lang, tuple(phrase.split()), whole=False)


def _best(found: Iterable[_Entry], corrected: bool) -> Match | None:
    """The highest-precedence entry found, with its language if only one language's words said it."""
    entries = list(found)
    if not entries:
        return None
    rank = min(e.rank for e in entries)
    winners = [e for e in entries if e.rank == rank]
    # "911" or "stop" stand in both languages' lists: they say nothing about the language.
    texts = {lang: {e.tokens for e in winners if e.lang == lang} for lang in LANGUAGES}
    langs = {e.lang for e in winners if not any(e.tokens in texts[o] for o in LANGUAGES if o != e.lang)}
    return Match(winners[0].target, langs.pop() if len(langs) == 1 else None, corrected, rank)
