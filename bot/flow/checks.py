"""The rules a flow set must follow beyond its file format: texts, choices, and links between nodes."""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from bot.flow.model import EXACT_ONLY, LANGUAGES, PLACEHOLDERS, SYSTEM_NODES, Intent, Keywords, Node, Source, Topic
from bot.flow.problems import ERROR, WARNING, Problem
from bot.places import NAMES
from bot.text import GSM_PART, UCS2_PART, UCS2_SEGMENT, contains_phrase, fill, gsm7_units, normalise, segments

SEGMENT_LIMIT = 3  # an error above this: longer texts arrive in pieces, out of order on some phones, and cost more
SEGMENT_WARNING = 2  # a warning above this: every segment is billed, and each is one more piece to arrive
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


LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}

# Nodes after which the conversation ends, so they need not say how to get back to the menu: after STOP the
# bot is silent, after DELETE nothing is left of the conversation, and a sender slowed down gets no replies.
ENDINGS = frozenset({"stopped", "erased", "slowed"})
# What a page offers as the way back, in its own language, when it offers none.
WAY_BACK = {"en": "Reply MENU or 0 for the menu.", "es": "Responde MENU o 0 para volver al inicio."}

Locate = Callable[[int], "tuple[int, int] | None"]  # a character of a text -> (line, column) in its file


@dataclass(frozen=True)
class Written:
    """Where a text was written: its entry's line, and how to find one of its characters in the file."""

    source: Source
    locate: Locate = lambda index: None

    def line_of(self, index: int) -> int:
        """The file line holding character `index` of the text (the entry's line when it cannot be mapped)."""
        position = self.locate(index)
        return position[0] if position else self.source.line

    def describe(self, index: int) -> str:
        """Where character `index` is, in the words of a message: line and column, or its place in the text."""
        position = self.locate(index)
        return f"line {position[0]}, column {position[1]}" if position else f"character {index + 1} of the text"


def every_reply(nodes: Mapping[str, Node]) -> Iterator[tuple[str, str, str]]:
    """(node, lang, text) for every text the bot can send: each placeholder filled with every value it can
    take, and the general reprompt with each node's own hint in it (and with none)."""
    hints = {lang: ["", *(n.reprompt.get(lang) for n in nodes.values() if n.reprompt)] for lang in LANGUAGES}
    for node in nodes.values():
        for lang in LANGUAGES:
            for sample in _samples(PLACEHOLDERS.get(node.name, frozenset()), lang, hints[lang]):
                yield node.name, lang, fill(node.say.get(lang), **sample)


def text_problems(node: str, name: str, text: str, lang: str, written: Written | None = None
                  ) -> list[tuple[str, str]]:
    """What is wrong with one text of `node` (called `name` in messages), as (level, message): placeholders,
    quotes, cost. `written` finds its characters in the file, to point at the ones that make it UCS-2."""
    allowed = PLACEHOLDERS.get(node, frozenset())
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return [(ERROR, f'{name} has a "{{" or "}}" that is not part of a placeholder. To show a brace, write it '
                        'twice: "{{" or "}}".')]
    bad = [f"{{{f}}}" for f, spec, conv in fields if f not in allowed or spec or conv]
    if bad:
        can_use = (f"this node can only use {', '.join(f'{{{p}}}' for p in sorted(allowed))}" if allowed
                   else "this node has no placeholders")
        return [(ERROR, f"{name} uses {', '.join(bad)}, but {can_use}. To show a brace, write it twice: "
                        '"{{" or "}}".')]
    problems: list[tuple[str, str]] = []
    curly = "".join(dict.fromkeys(c for c in text if c in CURLY))
    if lang == "en" and curly:
        problems.append((ERROR, f"{name} has curly quotes or long dashes ({' '.join(curly)}); use straight quotes "
                                "(' and \") and hyphens (-) instead, so the message stays in the basic SMS alphabet."))
    worst = max(_samples(allowed, lang), key=lambda sample: _cost(fill(text, **sample)))
    counted = "".join(f' (with {{{p}}} = "{worst[p]}")' for p in sorted(allowed))
    costly = cost_problem(name + counted, fill(text, **worst), _forcing_ucs2(text, written or Written(Source("", 0))))
    return [*problems, costly] if costly else problems


def identical_problem(name: str, en: str, es: str) -> str | None:
    """Why a text left the same in both languages is worth a look (None when it differs, or holds no words:
    a text of numbers alone, like "911", is the same in every language)."""
    folded = normalise(en)
    if folded != normalise(es) or not re.search(r"[a-zñ]", folded):
        return None
    return (f"{name} is the same in English and Spanish: was it translated? Write it in Spanish, or leave it "
            "if it is meant to be the same (a name, an address).")


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


def cost_problem(name: str, rendered: str, forcing: str = "") -> tuple[str, str] | None:
    """(level, why) when `rendered` costs more than SEGMENT_WARNING segments: a warning up to SEGMENT_LIMIT,
    an error above. `forcing` names the characters that make it UCS-2 and where (found by the caller)."""
    cost = segments(rendered)
    if cost.count <= SEGMENT_WARNING:
        return None
    too_long = cost.count > SEGMENT_LIMIT
    head = (f"{name} is too long: it takes {cost.count} SMS segments; the limit is {SEGMENT_LIMIT}." if too_long
            else f"{name} takes {cost.count} SMS segments (a warning above {SEGMENT_WARNING}: each is billed, and "
                 "arrives as a separate piece on some phones).")
    most = SEGMENT_LIMIT if too_long else SEGMENT_WARNING
    if cost.encoding == "GSM-7":
        return (ERROR if too_long else WARNING,
                f"{head} It is {cost.units} characters in the basic SMS alphabet (GSM-7, {GSM_PART} per segment); "
                f"shorten it to at most {most * GSM_PART}.")
    unusual = forcing or " ".join(f'"{c}"' for c in dict.fromkeys(c for c in rendered if gsm7_units(c) is None))
    if not forcing:
        unusual += " (from the placeholder's value)" if "{" in name else ""
    plain = segments(_without_accents(rendered))
    instead = (f" Without them it would take {_plural(plain.count, 'segment')} in GSM-7."
               if plain.encoding == "GSM-7" and plain.count < cost.count else "")
    return (ERROR if too_long else WARNING,
            f"{head} It is sent as UCS-2 ({UCS2_SEGMENT} characters in one message, {UCS2_PART} per segment when "
            f"split) because of {unusual}: letters like á í ó ú and curly quotes are not in the basic SMS "
            f"alphabet. It is {cost.units} characters; shorten it to at most {most * UCS2_PART}.{instead}")


def _forcing_ucs2(text: str, written: Written, limit: int = 5) -> str:
    """The characters of `text` outside GSM-7, each with where it first stands ("" when there are none: then a
    placeholder's value brings them)."""
    first: dict[str, int] = {}
    for index, char in enumerate(text):
        if gsm7_units(char) is None:
            first.setdefault(char, index)
    named = [f'"{char}" at {written.describe(index)}' for char, index in list(first.items())[:limit]]
    more = f" and {len(first) - limit} more" if len(first) > limit else ""
    return "; ".join(named) + more


def _without_accents(text: str) -> str:
    """`text` with accents dropped and curly quotes and long dashes made plain: what it costs in GSM-7."""
    plain = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return "".join(c if gsm7_units(c) is not None else unicodedata.normalize("NFKD", c)[0] for c in plain)


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
    """Each node's own reprompt, put inside the general reprompt, costs no more than SEGMENT_WARNING segments
    (a warning above, an error above SEGMENT_LIMIT)."""
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
            costly = cost_problem(f"the {LANGUAGE_NAMES[lang]} reprompt ({lang}) inside the general reprompt node",
                                  rendered, _forcing_ucs2(rendered, Written(Source("", 0))))
            if costly:
                problems.append(Problem(node.source, f'node "{node.name}": {costly[1]}', costly[0]))
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


# Numbers a text tells the texter to reply with: ranges ("1 to 7", "1-7", "del 1 al 7", "1 a 7", "between 1 and
# 7") and lists ("1, 2 or 3", "1 o 2"). One digit alone ("Reply 8 for more") is a single offer, not a claim
# about every choice. Digits inside longer numbers (1-888-373-7888, 24/7) never count.
_LONE = r"(?<![\d/+-]){}(?![\d/+]|-\d)"
_RANGE = re.compile(r"(?<![\d/+-])([1-9])(?![\d/+])\s*(?:-|–|to|through|a|al|hasta)\s*([1-9])(?![\d/+]|-\d)",
                    re.IGNORECASE)
_BETWEEN = re.compile(r"\b(?:between|entre)\s+([1-9])\s+(?:and|y)\s+([1-9])\b", re.IGNORECASE)
_LIST = re.compile(_LONE.format(r"[1-9]") + r"(?:\s*,\s*[1-9])*\s*,?\s+(?:or|and|o|u|y)\s+" + _LONE.format("[1-9]"),
                   re.IGNORECASE)
_NUMBERED_LINE = re.compile(r"^[ \t]*([1-9])(?:[ \t]+|[.):][ \t]+)\w", re.MULTILINE)  # "1 Talk to someone now"


def number_problems(start: str, nodes: Mapping[str, Node], texts: Mapping[tuple[str, str, str], Written]
                    ) -> list[Problem]:
    """Numbers a text offers that are not the node's choices: "reply 1 to 7" on a menu of 8, or a numbered list
    missing an item. A text may offer its own node's digits or the main menu's (they work from any page)."""
    menu = _digits(nodes[start]) if start in nodes else frozenset()
    problems = []
    for node in nodes.values():
        own = _digits(node)
        for part in ("say", "reprompt"):
            texts_of = node.say if part == "say" else node.reprompt
            for lang in LANGUAGES if texts_of else ():
                written = texts.get((node.name, part, lang))
                for index, quoted, offered in _offers(texts_of.get(lang)):
                    if offered in (own, menu) or not (own or menu):
                        continue
                    expected = own or menu
                    name = f"the {LANGUAGE_NAMES[lang]} {'text' if part == 'say' else 'reprompt'} ({lang})"
                    source = Source(written.source.file, written.line_of(index)) if written else node.source
                    problems.append(Problem(source, f'node "{node.name}": {name} {quoted}, but the choices '
                                            f"{'here' if own else 'of the main menu'} are {_spoken(expected)}. "
                                            f"A texter would {_consequence(offered, expected)}. Make the text "
                                            "match the choices."))
    return problems


def _digits(node: Node) -> frozenset[int]:
    return frozenset(int(c.digit) for c in node.choices if c.digit and c.digit.isdigit())


def _offers(text: str) -> Iterator[tuple[int, str, frozenset[int]]]:
    """(where, how it reads, digits) for every range, list and numbered list of digits in `text`."""
    taken: list[range] = []
    for pattern in (_BETWEEN, _RANGE):
        for match in pattern.finditer(text):
            low, high = int(match[1]), int(match[2])
            if low < high and not any(match.start() in span for span in taken):
                taken.append(range(match.start(), match.end()))
                yield match.start(), f'says "{match[0]}"', frozenset(range(low, high + 1))
    for match in _LIST.finditer(text):
        if not any(match.start() in span for span in taken):
            yield match.start(), f'says "{match[0]}"', frozenset(int(d) for d in re.findall(r"[1-9]", match[0]))
    numbered = list(_NUMBERED_LINE.finditer(text))
    if len(numbered) >= 2:  # one line starting with a digit ("8: signs at work") is an offer, not a list
        listed = frozenset(int(m[1]) for m in numbered)
        yield numbered[0].start(1), f"lists {_spoken(listed)}", listed


def _spoken(digits: Collection[int]) -> str:
    """1 to 8, or 1, 2 and 4."""
    ordered = sorted(digits)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]} to {ordered[-1]}"
    return ", ".join(map(str, ordered[:-1])) + f" and {ordered[-1]}" if len(ordered) > 1 else str(ordered[0])


def _consequence(offered: frozenset[int], expected: frozenset[int]) -> str:
    missing, extra = sorted(expected - offered), sorted(offered - expected)
    parts = [f"never try {_spoken(missing)}"] if missing else []
    parts += [f"reply {_spoken(extra)} and not be understood"] if extra else []
    return " and ".join(parts)


def way_back_problems(start: str, nodes: Mapping[str, Node], menu_words: Collection[str],
                      texts: Mapping[tuple[str, str, str], Written]) -> list[Problem]:
    """Pages that do not tell the texter how to get back to the menu. MENU and 0 work from anywhere, but a
    texter who is not told so reads the page as the end of the conversation: for them it is a dead end."""
    problems = []
    for node in nodes.values():
        if node.name == start or node.name in ENDINGS:
            continue
        for lang in LANGUAGES:
            text = node.say.get(lang)
            if text.strip() and not _names_way_back(text, menu_words):
                written = texts.get((node.name, "say", lang))
                problems.append(Problem(written.source if written else node.source,
                                        f'node "{node.name}": the {LANGUAGE_NAMES[lang]} text ({lang}) does not say '
                                        "how to get back to the menu, so a texter may think the conversation ends "
                                        f'here. Add "{WAY_BACK[lang]}" (0, or a word of keywords "menu" written '
                                        "in capitals)."))
    return problems


def _names_way_back(text: str, menu_words: Collection[str]) -> bool:
    """True when `text` offers 0, or a word of the menu keywords written in capitals as a command (MENU, MENÚ)."""
    if re.search(r"(?<![\d,.-])0(?!\d|[.,]\d)", text):
        return True
    commands = [word for word in re.findall(r"[^\W\d_]{2,}", text) if word.isupper()]
    return any(normalise(word) in menu_words for word in commands)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
