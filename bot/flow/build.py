"""Turning flow files into model objects, leniently, so the checks can run over everything written.

Parts the schema already reported as malformed are skipped here, not reported twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from bot.flow.checks import Written, choice_problems, identical_problem, text_problems
from bot.flow.model import LANGUAGES, Choice, Intent, Keywords, Localized, Node, Source, Topic
from bot.flow.problems import WARNING, Problem
from bot.flow.schema import label, where
from bot.flow.yaml_source import DataPath, Document
from bot.text import normalise

_INTENTS = {i.value: i for i in Intent}
_PART_NAMES = {"say": "the text", "reprompt": "the reprompt"}


@dataclass
class Draft:
    """Everything read from the flow files so far, and the problems found reading it."""

    nodes: dict[str, Node] = field(default_factory=dict)
    gotos: list[tuple[str, Source, str]] = field(default_factory=list)  # target, where written, whose
    starts: list[tuple[str, Source]] = field(default_factory=list)
    keywords: dict[Intent, Keywords] = field(default_factory=dict)
    keyword_sources: dict[Intent, Source] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    language_words: dict[str, set[str]] = field(default_factory=lambda: {lang: set() for lang in LANGUAGES})
    texts: dict[tuple[str, str, str], Written] = field(default_factory=dict)  # (node, say|reprompt, lang) -> where
    problems: list[Problem] = field(default_factory=list)

    def add(self, doc: Document) -> None:
        """Read the start, nodes and keywords of one flow file."""
        data = doc.data if isinstance(doc.data, dict) else {}
        if isinstance(data.get("start"), str):
            self.starts.append((data["start"], doc.source(("start",))))
        for name, raw in _mapping(data.get("nodes")).items():
            if isinstance(name, str):
                self._add_node(doc, name, raw)
        for name, raw in _mapping(data.get("keywords")).items():
            if name in _INTENTS:
                self._add_keywords(doc, _INTENTS[name], raw)
        for name, raw in _mapping(data.get("topics")).items():
            if isinstance(name, str):
                self._add_topic(doc, name, raw)
        for lang, raw in _mapping(data.get("languages")).items():
            if lang in self.language_words:
                self.language_words[lang].update(self._words(doc, ("languages", lang), raw))

    def _add_node(self, doc: Document, name: str, raw: object) -> None:
        path = ("nodes", name)
        source = doc.source(path)
        if name in self.nodes:
            self.problems.append(_defined_twice("node", name, source, self.nodes[name].source))
            return
        raw = _mapping(raw)
        say = _localized(raw.get("say")) or Localized("", "")
        reprompt = _localized(raw.get("reprompt"))
        choices = [self._choice(doc, (*path, "choices", i), item) for i, item in enumerate(_list(raw.get("choices")))]
        node = Node(name, say, tuple(c for c in choices if c), reprompt, source)
        self.nodes[name] = node
        for part, texts in (("say", say), ("reprompt", reprompt)):
            for lang in LANGUAGES:
                text = getattr(texts, lang) if texts else ""
                text_path = (*path, part, lang)
                written = Written(doc.source(text_path), lambda index, at=text_path: doc.text_position(at, index))
                self.texts[name, part, lang] = written
                found = text_problems(name, label(text_path), text, lang, written) if text.strip() else []
                for level, message in found:
                    self.problems.append(Problem(written.source, f'node "{name}": {message}', level))
            same = identical_problem(_PART_NAMES[part], texts.en, texts.es) if texts else None
            if same:
                self.problems.append(Problem(self.texts[name, part, "es"].source, f'node "{name}": {same}', WARNING))
        self.problems.extend(choice_problems(node))

    def _choice(self, doc: Document, path: DataPath, raw: object) -> Choice | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("goto"), str):
            return None
        self.gotos.append((raw["goto"], doc.source((*path, "goto")), where(path)[0]))
        digit = raw.get("digit")
        words = _mapping(raw.get("words"))
        return Choice(
            goto=raw["goto"],
            digit=str(digit) if isinstance(digit, int | str) and not isinstance(digit, bool) else None,
            words=MappingProxyType({lang: frozenset(self._words(doc, (*path, "words", lang), words.get(lang)))
                                    for lang in LANGUAGES if words.get(lang)}),
            source=doc.source(path),
        )

    def _add_keywords(self, doc: Document, intent: Intent, raw: object) -> None:
        path = ("keywords", intent.value)
        source = doc.source(path)
        if intent in self.keyword_sources:
            self.problems.append(Problem(source, f'keywords "{intent.value}" are set twice: here and at '
                                         f"{self.keyword_sources[intent]}. Set each keyword group in one file only."))
            return
        self.keyword_sources[intent] = source
        self.keywords[intent] = self._keywords(doc, path, raw)

    def _add_topic(self, doc: Document, name: str, raw: object) -> None:
        path = ("topics", name)
        source = doc.source(path)
        if name in self.topics:
            self.problems.append(_defined_twice("topic", name, source, self.topics[name].source))
            return
        goto = _mapping(raw).get("goto")
        if not isinstance(goto, str):
            return  # the schema has said what is wrong with it
        self.gotos.append((goto, doc.source((*path, "goto")), f'topic "{name}"'))
        self.topics[name] = Topic(name, goto, self._keywords(doc, path, raw), source)

    def _keywords(self, doc: Document, path: DataPath, raw: object) -> Keywords:
        """The words and phrases per language of a keyword group or topic at `path`."""
        per_lang = {lang: _mapping(_mapping(raw).get(lang)) for lang in LANGUAGES}
        words = {lang: frozenset(self._words(doc, (*path, lang, "words"), per_lang[lang].get("words")))
                 for lang in LANGUAGES}
        phrases = {lang: tuple(dict.fromkeys(self._words(doc, (*path, lang, "phrases"), per_lang[lang].get("phrases"))))
                   for lang in LANGUAGES}
        return Keywords(MappingProxyType(words), MappingProxyType(phrases))

    def _words(self, doc: Document, path: DataPath, raw: object) -> list[str]:
        """The words or phrases at `path`, normalised; ones left with nothing to match are problems."""
        found = []
        for i, word in enumerate(_list(raw)):
            if isinstance(word, bool) or not isinstance(word, str | int):
                continue  # the schema has said what is wrong with it
            folded = normalise(str(word))
            if folded:
                found.append(folded)
            else:
                prefix = where(path)[0]
                self.problems.append(Problem(doc.source((*path, i)), f'{prefix}: "{word}" in {label(path)} has no '
                                             "letters or digits, so it can never match. Remove it or write a word."))
        return found


def _defined_twice(kind: str, name: str, here: Source, first: Source | None) -> Problem:
    """A node or topic name used a second time (names are shared by every flow file)."""
    return Problem(here, f'{kind} "{name}" is defined twice: here and at {first}. {kind.capitalize()} names must be '
                         "unique across all flow files; rename or remove one.")


def _mapping(raw: object) -> dict:
    return raw if isinstance(raw, dict) else {}


def _list(raw: object) -> list:
    return raw if isinstance(raw, list) else []


def _localized(raw: object) -> Localized | None:
    if not isinstance(raw, dict):
        return None
    return Localized(**{lang: raw[lang] if isinstance(raw.get(lang), str) else "" for lang in LANGUAGES})
