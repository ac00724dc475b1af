"""The rules a flow set must follow beyond its file format: texts, choices, and links between nodes."""

from __future__ import annotations

import difflib
import string
from collections.abc import Collection, Iterable, Iterator, Mapping

from bot.flow.model import EXACT_ONLY, LANGUAGES, PLACEHOLDERS, SYSTEM_NODES, Intent, Keywords, Node, Source, Topic
from bot.flow.problems import Problem
from bot.places import NAMES
from bot.text import GSM_PART, UCS2_PART, contains_phrase, fill, gsm7_units, segments

SEGMENT_LIMIT = 3  # longer texts arrive in pieces, out of order on some phones, and cost more
# Placeholders are measured with every value they can take, so a text fits whatever is filled in: a
# Spanish place name with an accent (Míchigan) turns the whole text UCS-2 and can triple its cost.
PROGRAM_NAME_MAX = 40  # characters; HOTLINE_PROGRAM_NAME is refused when longer, so replies are measured with it
PLACEHOLDER_VALUES = {
    "place": lambda lang: [names[lang == "es"] for names in NAMES.values()],
    "program": lambda lang: ["W" * PROGRAM_NAME_MAX],
    "hint": lambda lang: [""],  # each node's own hint is measured inside the reprompt by reprompt_problems
}
CURLY = "‘’“”–—"  # word processors put these in; in English they alone make a text UCS-2

SYSTEM_NODE_PURPOSES = {
    "emergency": "the answer to emergency words: 911 first, then the hotline",
    "suicide": "the answer to words of suicide or self-harm: 988, 911, the hotline",
    "help": "the answer to HELP, sent even after STOP; may use {program}",
    "stopped": "the confirmation of STOP",
    "started": "the confirmation of START",
    "erased": "the confirmation of DELETE",
    "local": "the page that asks for a ZIP code, a city and state, or a state",
    "local_found": "the answer to a place, when there is no directory/ folder; may use {place}",
    "local_unknown": "the answer to a ZIP code we cannot place",
    "reprompt": "the answer when a reply is not understood: the hotline and 911, with {hint}, the node's own reprompt",
    "slowed": "the one notice to a sender writing too fast: replies pause for a while, but not for 911 or HELP",
}
INTENT_PURPOSES = {
    Intent.EMERGENCY: "danger", Intent.SUICIDE: "suicide or self-harm", Intent.HELP: "asking for help",
    Intent.DELETE: "erasing their data",
    Intent.STOP: "opting out", Intent.START: "opting back in", Intent.ENGLISH: "switching to English",
    Intent.SPANISH: "switching to Spanish", Intent.MENU: "the main menu", Intent.HELLO: "greetings",
}


def every_reply(nodes: Mapping[str, Node]) -> Iterator[tuple[str, str, str]]:
    """(node, lang, text) for every text the bot can send: each placeholder filled with every value it can
    take, and the general reprompt with each node's own hint in it (and with none)."""
    hints = {lang: ["", *(n.reprompt.get(lang) for n in nodes.values() if n.reprompt)] for lang in LANGUAGES}
    for node in nodes.values():
        for lang in LANGUAGES:
            for sample in _samples(PLACEHOLDERS.get(node.name, frozenset()), lang, hints[lang]):
                yield node.name, lang, fill(node.say.get(lang), **sample)


def text_problems(node: str, name: str, text: str, lang: str) -> list[str]:
    """What is wrong with one text of `node` (called `name` in messages): placeholders, quotes, length."""
    allowed = PLACEHOLDERS.get(node, frozenset())
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return [f'{name} has a "{{" or "}}" that is not part of a placeholder. To show a brace, write it twice: '
                '"{{" or "}}".']
    bad = [f"{{{f}}}" for f, spec, conv in fields if f not in allowed or spec or conv]
    if bad:
        can_use = (f"this node can only use {', '.join(f'{{{p}}}' for p in sorted(allowed))}" if allowed
                   else "this node has no placeholders")
        return [f"{name} uses {', '.join(bad)}, but {can_use}. To show a brace, write it twice: "
                '"{{" or "}}".']
    problems = []
    curly = "".join(dict.fromkeys(c for c in text if c in CURLY))
    if lang == "en" and curly:
        problems.append(f"{name} has curly quotes or long dashes ({' '.join(curly)}); use straight quotes "
                        "(' and \") and hyphens (-) instead, so the message stays in the basic SMS alphabet.")
    worst = max(_samples(allowed, lang), key=lambda sample: _cost(fill(text, **sample)))
    counted = "".join(f' (with {{{p}}} = "{worst[p]}")' for p in sorted(allowed))
    too_long = _length_problem(name + counted, fill(text, **worst))
    return [*problems, too_long] if too_long else problems


def _samples(placeholders: Collection[str], lang: str, hints: Collection[str] = ("",)) -> list[dict[str, str]]:
    """Every filling of `placeholders` with the values they can take (`hints`: the reprompt hints to try)."""
    samples: list[dict[str, str]] = [{}]
    for placeholder in sorted(placeholders):
        values = hints if placeholder == "hint" else PLACEHOLDER_VALUES[placeholder](lang)
        samples = [{**s, placeholder: v} for s in samples for v in values]
    return samples


def _cost(rendered: str) -> tuple[int, int]:
    """Segments, then units: what makes one rendering of a text costlier than another."""
    cost = segments(rendered)
    return cost.count, cost.units


def _length_problem(name: str, rendered: str) -> str | None:
    """Why `rendered` is too long to send, or None when it fits in SEGMENT_LIMIT segments."""
    cost = segments(rendered)
    if cost.count <= SEGMENT_LIMIT:
        return None
    head = f"{name} is too long: it takes {cost.count} SMS segments; the limit is {SEGMENT_LIMIT}."
    if cost.encoding == "GSM-7":
        return (f"{head} It is {cost.units} characters in the basic SMS alphabet (GSM-7, 153 per segment); "
                f"shorten it to at most {SEGMENT_LIMIT * GSM_PART}.")
    unusual = "".join(dict.fromkeys(c for c in rendered if gsm7_units(c) is None))[:10]
    return (f"{head} It is sent as UCS-2 (70 characters in one message, 67 per segment when split) because it "
            f"contains {' '.join(unusual)}: letters like á í ó ú and curly quotes are not in the basic SMS "
            f"alphabet. It is {cost.units} characters; shorten it to at most {SEGMENT_LIMIT * UCS2_PART}.")


def choice_problems(node: Node) -> list[Problem]:
    """Digits or words that more than one of `node`'s choices answer to (only one could ever win)."""
    problems = []
    taken: dict[str, int] = {}
    for number, choice in enumerate(node.choices, 1):
        answers = ([choice.digit] if choice.digit else []) + sorted(choice.all_words() - {choice.digit})
        for answer in answers:
            first = taken.setdefault(answer, number)
            if first != number:
                other = node.choices[first - 1].source
                where = f" (line {other.line})" if other else ""
                problems.append(Problem(choice.source, f'node "{node.name}", choice {number}: "{answer}" already '
                                        f"picks choice {first}{where}; a digit or word can lead to one place only "
                                        "(words are compared ignoring case, accents and punctuation). Remove it "
                                        "from one of them."))
    return problems


def start_problems(starts: list[tuple[str, Source]], nodes: Collection[str]) -> list[Problem]:
    """Exactly one file names the main menu, and it exists."""
    if not starts:
        return [Problem(None, 'no flow file sets "start:", the node the main menu starts at. Add a line like '
                              '"start: menu" to one file.')]
    (start, first), *others = starts
    problems = [Problem(src, f'"start" is also set at {first}; only one file may set it. Remove one of them.')
                for _, src in others]
    if start not in nodes:
        problems.append(Problem(first, f'"start" names "{start}", but there is no node called that.'
                                       f"{_did_you_mean(start, nodes)}"))
    return problems


def goto_problems(gotos: Iterable[tuple[str, Source, str]], nodes: Collection[str]) -> list[Problem]:
    """Every choice leads to a node that exists."""
    return [Problem(src, f'{where}: goto "{target}" names no node.{_did_you_mean(target, nodes)} Check the '
                         f'spelling, or add a node called "{target}".')
            for target, src, where in gotos if target not in nodes]


def system_node_problems(nodes: Collection[str]) -> list[Problem]:
    """The nodes the bot says on its own are all there."""
    missing = [f'"{n}" ({SYSTEM_NODE_PURPOSES.get(n, "said by the bot on its own")})'
               for n in SYSTEM_NODES if n not in nodes]
    if not missing:
        return []
    return [Problem(None, f"these nodes are missing: {'; '.join(missing)}. The bot sends them on its own, so "
                          'every flow set needs them: add them under "nodes:".')]


def intent_problems(defined: Collection[Intent]) -> list[Problem]:
    """Every keyword group has words, so no safety or opt-out request goes unrecognised."""
    missing = [f'"{i.value}" ({INTENT_PURPOSES[i]})' for i in Intent if i not in defined]
    if not missing:
        return []
    return [Problem(None, f"no keywords are set for: {', '.join(missing)}. Add them under \"keywords:\", each "
                          "with en: and/or es: words.")]


def shadow_problems(keywords: Mapping[Intent, Keywords], sources: Mapping[Intent, Source],
                    topics: Iterable[Topic], nodes: Mapping[str, Node]) -> list[Problem]:
    """Words and phrases that can never work. Keyword groups are checked in order, then topics, all before
    any choice: a word or phrase found earlier wins over a later group's word or phrase that holds it."""
    groups: list[tuple[str, Keywords, Source | None]] = [
        (f'keywords "{i.value}"', keywords[i], sources.get(i)) for i in Intent if i in keywords]
    groups += [(f'topic "{t.name}"', t.keywords, t.source) for t in topics]
    problems = []
    earlier: list[tuple[str, str, bool]] = []  # (word or phrase, whose, is a phrase)
    for name, group, source in groups:
        mine = [(w, False) for w in sorted(_all(group.words))] + [(p, True) for p in _all(group.phrases)]
        for text, _ in mine:
            hit = _shadowed_by(text, earlier, name)
            if hit:
                problems.append(Problem(source, f'{name}: "{text}" {hit}, which is checked first, so here it can '
                                        "never match. Keep it in one group only, or make it longer."))
        earlier += [(text, name, is_phrase) for text, is_phrase in mine]
    for node in nodes.values():
        for number, choice in enumerate(node.choices, 1):
            for word in sorted(choice.all_words()):
                hit = _shadowed_by(word, earlier, None)
                if hit:
                    problems.append(Problem(choice.source, f'node "{node.name}", choice {number}: "{word}" {hit}, '
                                            "which is answered first from anywhere, so it never picks this choice. "
                                            "Remove it from the choice."))
    return problems


def _all(per_lang: Mapping[str, Collection[str]]) -> list[str]:
    """The words (or phrases) of every language, each once."""
    return list(dict.fromkeys(w for lang in LANGUAGES for w in per_lang.get(lang, ())))


def _shadowed_by(text: str, earlier: list[tuple[str, str, bool]], mine: str | None) -> str | None:
    """How an earlier word or phrase (of another group) takes every message `text` would match, if one does."""
    for other, whose, is_phrase in earlier:
        if whose != mine and (other == text or (is_phrase and contains_phrase(text, other))):
            kind = "a phrase" if is_phrase else "a word"
            return f'is also {kind} of {whose}' if other == text else f'holds "{other}", {kind} of {whose}'
    return None


_EXACT_EFFECT = {Intent.STOP: "opt out", Intent.START: "opt back in", Intent.DELETE: "erase the data of"}


def exact_only_problems(keywords: Mapping[Intent, Keywords], sources: Mapping[Intent, Source]) -> list[Problem]:
    """Opt-out, opt-in and erase words must be the whole message: as one-word phrases they would fire inside a
    sentence ("he won't stop hitting me" is not an opt-out)."""
    problems = []
    for intent in (i for i in Intent if i in EXACT_ONLY and i in keywords):
        for phrase in _all(keywords[intent].phrases):
            if " " not in phrase:
                problems.append(Problem(sources.get(intent), f'keywords "{intent.value}": the phrase "{phrase}" is '
                                        f"one word, so it would {_EXACT_EFFECT[intent]} anyone who uses it inside a "
                                        "sentence. Put it under words: (the whole "
                                        "message), or write the phrase in full, like \"stop texting me\"."))
    return problems


def reprompt_problems(nodes: Mapping[str, Node]) -> list[Problem]:
    """Each node's own reprompt, put inside the general reprompt, still fits in SEGMENT_LIMIT segments."""
    general = nodes.get("reprompt")
    if general is None:
        return []
    problems = []
    for node in nodes.values():
        for lang in LANGUAGES if node.reprompt else ():
            hint = node.reprompt.get(lang)
            try:
                rendered = fill(general.say.get(lang), hint=hint)
            except (KeyError, ValueError, IndexError):
                return []  # the general reprompt's own problems are reported with it
            too_long = _length_problem(f'the {"English" if lang == "en" else "Spanish"} reprompt ({lang}) inside '
                                       "the general reprompt node", rendered)
            if too_long:
                problems.append(Problem(node.source, f'node "{node.name}": {too_long}'))
    return problems


def reach_problems(start: str, nodes: Mapping[str, Node], topics: Iterable[Topic] = ()) -> list[Problem]:
    """Nodes no one can get to: not the start, not said by the bot on its own, and no choice or topic leads there."""
    seen: set[str] = set()
    todo = [n for n in (start, *SYSTEM_NODES, *(t.goto for t in topics)) if n in nodes]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(c.goto for c in nodes[name].choices if c.goto in nodes)
    return [Problem(node.source, f'node "{name}" cannot be reached: no choice or topic leads to it ("goto: {name}") '
                                 "from the main menu. Add a choice that leads to it, or remove the node.")
            for name, node in nodes.items() if name not in seen]


def _did_you_mean(name: str, names: Collection[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f' Did you mean "{close[0]}"?' if close else ""
