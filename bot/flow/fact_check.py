"""Finding every phone number, short code, keyword and web address written in the flow texts and the hand-kept
referral files, and checking each is a fact of the registry (`bot.flow.facts`), at the line it is written on.

A one-digit typo in a hotline number passes every other check (it is still a phone number); here it fails,
with the nearest fact. Numbers are compared by value: 1-888-373-7888, (888) 373-7888 and +1 888 373 7888 are one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import yaml
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher
from rapidfuzz.distance import Levenshtein

from bot.flow.facts import FACTS_FILE, PHONE, SHORT_CODE, WEB, Registry, address
from bot.flow.model import Source
from bot.flow.problems import Problem
from bot.flow.yaml_source import YAML_SUFFIXES, Document, read_document

WHAT = {PHONE: "the phone number", SHORT_CODE: "the short code", WEB: "the web address"}
REGION = "US"
# A number of 3 to 6 digits standing alone: not part of a longer number, a time, an amount (200+, 50%) or a word.
_SHORT = re.compile(r"(?<![\w.,/+$#:-])\d{3,6}(?![\w+%/:-]|[.,]\d)")
# What makes such a number one to call or text: a word just before it ("call 911", "text HOME to 741741",
# "llama al 988", "marca 711"), possibly with a keyword in capitals and "to" / "al" between.
_DIALLED = re.compile(r"(?i:\b(?:call|text|texting|dial|phone|to|at|or|llama|llame|llamar|marca|marque|marcar|manda|"
                      r"mande|mandar|env[ií]a|texto|mensaje|al|a|o))[\s:]+$")
_KEYWORD = re.compile(r"\b([A-Z][A-Z0-9ÁÉÍÓÚÑ]{1,19})\s+(?:to|TO|al|AL|a)\s+$")
# A number written with letters (1-800-THE-LOST, 442-AYUDAME): hyphens only, so "911 EMERGENCY" is not one.
_VANITY = re.compile(r"(?<![\w-])(?:\+?1-)?\(?[2-9]\d{2}\)?-(?=[\dA-Z-]*[A-Z])[\dA-Z]+(?:-[\dA-Z]+)*(?![\w-])")
# Groups of digits that look like a phone number but that phonenumbers cannot read (1-8888-373-7888).
_DIGIT_GROUPS = re.compile(r"(?<![\w.])\+?\(?\d{1,4}\)?(?:[-. ]?\(?\d{2,4}\)?){2,}(?![\w])")
_DATE_LIKE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4})$")  # 2026-11-01, 11-23-2026
_TLDS = "com|org|net|gov|edu|info|io|app|help|online|mx"
_WEB = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)[^\s<>\"']+|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
                  rf"(?:{_TLDS})\b(?:/[^\s<>\"']*)?")


@dataclass(frozen=True)
class Found:
    """Something a texter could call, text or open, found in a text."""

    kind: str
    value: str  # as Fact.value (for a number phonenumbers cannot read: its digits, which no fact has)
    written: str  # as the text writes it
    start: int  # where in the text
    keyword: str | None = None  # a short code's keyword, when the text says "text HOME to 741741"
    dialled: bool = True  # False for a bare short number with no "call" or "text" before it (may be a count)


def find(text: str) -> list[Found]:
    """Every phone number, short number and web address in `text`, in order."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _WEB.finditer(text):
        written = match.group().rstrip(".,;:!?)]'\"")
        found.append(Found(WEB, address(written), written, match.start()))
        taken.append((match.start(), match.start() + len(written)))
    for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.POSSIBLE):
        if free(match.start, match.end):
            written = match.raw_string.lstrip("(") if ")" not in match.raw_string else match.raw_string
            value = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
            found.append(Found(PHONE, value, written, match.end - len(written)))
            taken.append((match.start, match.end))
    for pattern, reading in ((_VANITY, _vanity), (_DIGIT_GROUPS, _digits)):
        for match in pattern.finditer(text):
            value = reading(match.group())
            if value and free(match.start(), match.end()):
                found.append(Found(PHONE, value, match.group(), match.start()))
                taken.append(match.span())
    for match in _SHORT.finditer(text):
        if free(*match.span()):
            before = text[max(0, match.start() - 40):match.start()]
            keyword = _KEYWORD.search(before)
            found.append(Found(SHORT_CODE, match.group(), match.group(), match.start(),
                               keyword.group(1) if keyword else None, bool(_DIALLED.search(before))))
    return sorted(found, key=lambda f: f.start)


def unknown(found: Found, registry: Registry) -> str | None:
    """Why `found` may not be sent (it is not a fact, or not with that keyword), or None when it is a fact."""
    if (found.kind == SHORT_CODE and not found.dialled and not registry.knows(SHORT_CODE, found.value)
            and not any(_one_typo(found.value, f.value) for f in registry.facts if f.kind == SHORT_CODE)):
        return None  # a count or a year, not a number to dial: only near-misses of a known code are typos
    if registry.knows(found.kind, found.value):
        keywords = registry.keywords(found.value)
        if found.kind != SHORT_CODE or found.keyword is None or found.keyword.upper() in keywords:
            return None
        said = f'"{found.keyword} to {found.written}": {found.keyword} is not a keyword {registry.file} holds for ' \
               f"{found.written}"
        add = f"If {found.keyword} is right, add a fact for it (keyword: {found.keyword}) with its source and the " \
              "date you checked it."
        if not keywords:
            return f"{said} (it holds none: the number is texted without a word). {add}"
        meant = min(sorted(keywords), key=lambda k: Levenshtein.distance(k, found.keyword.upper()))
        return f"{said} (it holds {', '.join(sorted(keywords))}): did you mean {meant}? {add}"
    what = f"{WHAT[found.kind]} {found.written}"
    if not registry.exists:
        return (f"{what} is not a known fact: this flow folder has no {FACTS_FILE}. Create {registry.file} and add "
                "every number, short code and web address the bot sends, each with its name, source and the date "
                'you checked it (docs/flow-format.md, "Facts").')
    meant = registry.nearest(found.kind, found.value)
    if meant is not None:
        return (f"{what} is not in {registry.file}: did you mean {meant.written}? ({meant.name}, {meant.source}) "
                f"If {found.written} is right, add it to {registry.file} with its source and the date you "
                "checked it.")
    return (f"{what} is not in {registry.file}. Check it against its source, then add it there with its name, "
            "source and the date you checked it.")


def flow_problems(docs: Iterable[Document], registry: Registry | None) -> list[Problem]:
    """A problem for each number or address in a node's texts (say and reprompt, every language) that is not
    a fact, at the line it is written on."""
    if registry is None:  # facts.yaml is unreadable: its own problem says so
        return []
    problems = []
    for doc in docs:
        nodes = _child(doc.root, "nodes")
        for _, node in _entries(nodes):
            for part in ("say", "reprompt"):
                problems += _text_problems(doc, _child(node, part), registry)
    return problems


def directory_problems(flows_dir: Path, registry: Registry | None) -> list[Problem]:
    """The same for the hand-kept files under `flows_dir`/directory/: replies.yaml's texts, and each service's
    name, numbers and keywords. Files written by `referrals import` (.json) are left to the import, which
    checks every number as its source publishes it; a registry cannot hold tens of thousands of them."""
    from bot.referrals.loader import FOLDER
    from bot.referrals.words import REPLIES_FILE

    folder = flows_dir / FOLDER
    if registry is None or not folder.is_dir():
        return []
    problems: list[Problem] = []
    for path in sorted(p for p in folder.iterdir()
                       if p.suffix in YAML_SUFFIXES and p.is_file() and not p.name.startswith(".")):
        doc, _ = read_document(path)  # its own problems are the referral loader's to report
        if doc is None:
            continue
        if path.name == REPLIES_FILE:
            for part in ("texts", "purposes"):
                for _, text in _entries(_child(doc.root, part)):
                    problems += _text_problems(doc, text, registry)
            for need in _items(_child(doc.root, "needs")):
                problems += _text_problems(doc, _child(need, "label"), registry)
            continue
        for service in _items(_child(doc.root, "services")):
            problems += _text_problems(doc, _child(service, "name"), registry)
            for phone in _items(_child(service, "phones")):
                problems += _number_problems(doc, phone, registry)
    return problems


def _vanity(written: str) -> str | None:
    """The E.164 number a number written with letters dials (extra letters after the 10th digit are not)."""
    digits = re.sub(r"\D", "", phonenumbers.convert_alpha_characters_in_number(written))
    digits = digits[1:] if digits.startswith("1") else digits
    return f"+1{digits[:10]}" if len(digits) >= 10 else None


def _digits(written: str) -> str | None:
    """The digits of something that looks like a phone number phonenumbers could not read (never a fact)."""
    digits = re.sub(r"\D", "", written)
    return digits if len(digits) >= 7 and not _DATE_LIKE.match(written) else None


def _one_typo(a: str, b: str) -> bool:
    """True when `a` is `b` with one digit changed, or two next to each other swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                              and a[diff[1]] == b[diff[0]])


def _text_problems(doc: Document, node: yaml.Node | None, registry: Registry) -> list[Problem]:
    """The problems of one text (a scalar, or a mapping of one per language)."""
    problems = []
    for scalar in _scalars(node):
        text = scalar.value
        for found in find(text):
            why = unknown(found, registry)
            if why:
                problems.append(Problem(Source(doc.file, _line(doc, scalar, found)), why))
    return problems


def _number_problems(doc: Document, phone: yaml.Node, registry: Registry) -> list[Problem]:
    """The problems of one service phone: its number (and keyword) must be a fact."""
    from bot.referrals import phones

    number = _child(phone, "number")
    if not isinstance(number, yaml.ScalarNode):
        return []
    try:
        value = phones.parse(number.value)
    except phones.BadNumber:  # the referral loader says why; this says which fact it may have meant
        value = re.sub(r"\D", "", number.value) if re.search(r"\d{7}", re.sub(r"\D", "", number.value)) else \
            number.value.strip()
    keyword = _child(phone, "keyword")
    kind = SHORT_CODE if re.fullmatch(r"\d{3,6}", value) else PHONE
    found = Found(kind, value, number.value, 0, keyword.value if isinstance(keyword, yaml.ScalarNode) else None)
    why = unknown(found, registry)
    return [Problem(Source(doc.file, number.start_mark.line + 1), why)] if why else []


def _line(doc: Document, scalar: yaml.ScalarNode, found: Found) -> int:
    """The line `found` is written on inside `scalar`."""
    first = scalar.start_mark.line + 1
    if scalar.style == "|":  # literal block: the text starts on the line after "|", line for line
        return first + 1 + scalar.value.count("\n", 0, found.start)
    if scalar.end_mark.line == scalar.start_mark.line:
        return first
    lines = _file_lines(doc.file)  # folded or multi-line quotes: look for it on the lines the text spans
    for number in range(first, min(scalar.end_mark.line + 1, len(lines)) + 1):
        if found.written in lines[number - 1]:
            return number
    return first


def _file_lines(file: str) -> list[str]:
    try:
        return Path(file).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _entries(node: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                yield key_node.value, value


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    """The texts in `node`: itself when it is one, else the values of a mapping (one per language)."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            if isinstance(value, yaml.ScalarNode):
                yield value
