"""Facts (flows/facts.yaml): every number, short code, text keyword and web address the bot may send, with its
source and the date it was verified; and the check that every one written in a text is one of them.

A one-digit typo in a hotline number passes every other check (it is still a phone number), so the flow
texts and the hand-kept referral files are read for anything a texter could call, text or open, and each is
compared by value with the registry: 1-888-373-7888, (888) 373-7888 and +1 888 373 7888 are one number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import phonenumbers
import yaml
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher
from rapidfuzz.distance import Levenshtein

from bot.flow.model import Source
from bot.flow.problems import WARNING, Problem, display_path
from bot.flow.yaml_source import Document, read_document

FACTS_FILE = "facts.yaml"  # a reserved name in a flow folder: the registry, never read as a flow file
PHONE, SHORT_CODE, WEB = "phone", "short_code", "web"
KINDS = (PHONE, SHORT_CODE, WEB)
FIELDS = ("name", *KINDS, "keyword", "source", "verified", "notes")
REVERIFY_AFTER = timedelta(days=365)
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
_WEB_VALUE = re.compile(r"(?i)^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/\S*)?$")
_WORD = re.compile(r"^[A-Za-z0-9ÁÉÍÓÚÑáéíóúñ]+$")
_DATE = re.compile(r"^(\d{4}-\d{2})(-\d{2})?$")


@dataclass(frozen=True)
class Fact:
    """One thing the bot may send, as facts.yaml holds it."""

    name: str
    kind: str  # PHONE, SHORT_CODE or WEB
    value: str  # compared: E.164 for a phone (+18883737888), the digits of a short code, a normalised address
    written: str  # as facts.yaml writes it (1-888-373-7888), for messages
    verified: date
    sources: tuple[str, ...]
    keyword: str | None = None  # the word to text to a short code (HOME to 741741), upper case
    notes: str = ""
    source: Source | None = field(default=None, compare=False)

    @property
    def shown(self) -> str:
        """The fact as a texter would read it: 1-888-373-7888, or HOME to 741741."""
        return f"{self.keyword} to {self.written}" if self.keyword else self.written

    def stale(self, today: date) -> bool:
        """True when it was verified more than a year before `today`."""
        return today - self.verified > REVERIFY_AFTER


@dataclass(frozen=True)
class Registry:
    """The facts of one flow folder; `file` is facts.yaml as shown in messages, `exists` False without one."""

    file: str
    facts: tuple[Fact, ...] = ()
    exists: bool = True

    def knows(self, kind: str, value: str) -> bool:
        """True when some fact has this value."""
        return any(f.kind == kind and f.value == value for f in self.facts)

    def keywords(self, short_code: str) -> frozenset[str]:
        """The keywords facts hold for texting `short_code`."""
        return frozenset(f.keyword for f in self.facts if f.kind == SHORT_CODE and f.value == short_code and f.keyword)

    def nearest(self, kind: str, value: str) -> Fact | None:
        """The fact a mistyped `value` most likely meant (a few edits away at most), or None."""
        target = _comparable(kind, value)
        limit = max(1, len(target) // 4)
        scored = [(Levenshtein.distance(target, _comparable(f.kind, f.value)), i, f)
                  for i, f in enumerate(self.facts) if f.kind == kind]
        best = min(scored, default=None)
        return best[2] if best and best[0] <= limit else None


@dataclass(frozen=True)
class Found:
    """Something a texter could call, text or open, found in a text."""

    kind: str
    value: str  # as Fact.value (for a number phonenumbers cannot read: its digits, which no fact has)
    written: str  # as the text writes it
    start: int  # where in the text
    keyword: str | None = None  # a short code's keyword, when the text says "text HOME to 741741"
    dialled: bool = True  # False for a bare short number with no "call" or "text" before it (may be a count)


def load_registry(folder: Path) -> tuple[Registry | None, list[Problem]]:
    """The facts of the flow folder `folder` (empty without a facts.yaml), or None when facts.yaml cannot
    be read; and every problem with it, at its line."""
    path = folder / FACTS_FILE
    file = display_path(path)
    if not path.is_file():
        return Registry(file, exists=False), []
    doc, problems = read_document(path)
    if doc is None:
        return None, problems
    data = doc.data
    if not isinstance(data, Mapping) or not isinstance(data.get("facts"), list):
        return None, [*problems, Problem(Source(file, 1), 'facts.yaml holds "facts:", a list of facts, each with a '
                                         "name, a phone, short_code or web, a source and verified (see the comment "
                                         "at the top of the shipped facts.yaml).")]
    problems += [Problem(doc.source((key,)), f'"{key}" is not read here: facts.yaml holds only "facts:".')
                 for key in data if key != "facts"]
    facts: list[Fact] = []
    seen: dict[tuple[str, str, str | None], Fact] = {}
    for index, raw in enumerate(data["facts"]):
        fact, complaints = _fact(raw, doc.source(("facts", index)))
        problems += [Problem(doc.source(("facts", index, *where)), message) for where, message in complaints]
        if fact is None:
            continue
        key = (fact.kind, fact.value, fact.keyword)
        if key in seen:
            problems.append(Problem(fact.source, f"{fact.shown} is written twice (also at {seen[key].source}); "
                                                 "keep one fact for it, with every source in its list."))
            continue
        seen[key] = fact
        facts.append(fact)
    return Registry(file, tuple(facts)), problems


def stale_problems(registry: Registry | None, today: date) -> list[Problem]:
    """A warning for each fact verified more than a year before `today`."""
    if registry is None:
        return []
    return [Problem(f.source, f'"{f.name}" ({f.shown}) was verified on {f.verified}, more than a year ago: '
                              "re-verify it (call or text it, or open its source page) and update "
                              '"verified".', WARNING)
            for f in registry.facts if f.stale(today)]


def find(text: str) -> list[Found]:
    """Every phone number, short number and web address in `text`, in order."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _WEB.finditer(text):
        written = match.group().rstrip(".,;:!?)]'\"")
        found.append(Found(WEB, _address(written), written, match.start()))
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
                       if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith(".")):
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


def _fact(raw: object, where: Source) -> tuple[Fact | None, list[tuple[tuple, str]]]:
    """The fact `raw` describes, or None; and every complaint (the path inside the entry, what to do)."""
    if not isinstance(raw, Mapping):
        return None, [((), "each fact is a set of fields: name, one of phone, short_code or web, source, verified "
                           "(and maybe keyword, notes).")]
    complaints: list[tuple[tuple, str]] = []
    for key in raw:
        if key not in FIELDS:
            close = min(FIELDS, key=lambda f: Levenshtein.distance(f, str(key)))
            hint = f' (did you mean "{close}"?)' if Levenshtein.distance(close, str(key)) <= 2 else ""
            complaints.append(((key,), f'"{key}" is not a field of a fact{hint}; use {", ".join(FIELDS)}.'))
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        complaints.append((("name",), 'give the fact a "name": who answers, e.g. "National Human Trafficking '
                                      'Hotline, call".'))
    kinds = [k for k in KINDS if raw.get(k) is not None]
    value = written = None
    if len(kinds) != 1:
        complaints.append(((kinds[1],) if kinds else (), "a fact has exactly one of phone, short_code or web "
                           f"(found {', '.join(kinds) or 'none'}); write each value as its own fact."))
    else:
        written = str(raw[kinds[0]]).strip()
        value, why = _value(kinds[0], written)
        if why:
            complaints.append(((kinds[0],), why))
    keyword = raw.get("keyword")
    if keyword is not None:
        if kinds != [SHORT_CODE]:
            complaints.append((("keyword",), "a keyword is the word to text to a short code: it goes with "
                                             'short_code (e.g. short_code: "741741", keyword: HOME).'))
        elif not _WORD.match(str(keyword)):
            complaints.append((("keyword",), f'the keyword "{keyword}" must be one word of letters or digits.'))
    sources = raw.get("source")
    sources = [sources] if isinstance(sources, str) else sources
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, str) and s.startswith(("https://", "http://")) for s in sources):
        complaints.append((("source",), 'give the "source": the address (https://...) of the page that shows '
                                        "this value, or a list of them."))
    verified = _date(raw.get("verified"))
    if verified is None:
        complaints.append((("verified",), f'"verified" is the date a person last checked this against its '
                                          f"source, as YYYY-MM-DD or YYYY-MM (found {raw.get('verified')!r})."))
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        complaints.append((("notes",), '"notes" is a text.'))
    if complaints:
        return None, complaints
    return Fact(name=name.strip(), kind=kinds[0], value=value, written=written, verified=verified,
                sources=tuple(sources), keyword=None if keyword is None else str(keyword).upper(), notes=notes,
                source=where), []


def _value(kind: str, written: str) -> tuple[str | None, str | None]:
    """(the value compared, None) or (None, what is wrong with it)."""
    from bot.referrals import phones  # the directory's own reading of numbers: one rule for both

    if kind == SHORT_CODE:
        if not re.fullmatch(r"\d{3,6}", written):
            return None, f'a short_code is 3 to 6 digits, in quotes (e.g. "233733"); found "{written}".'
        return written, None
    if kind == WEB:
        address = _address(written)
        if not _WEB_VALUE.match(address):
            return None, f'"{written}" is not a web address; write it as humantraffickinghotline.org or with its path.'
        return address, None
    try:
        number = phones.parse(written)
    except phones.BadNumber as err:
        return None, f"{err}."
    if not number.startswith("+"):
        return None, f'"{written}" is a short number: write it as short_code: "{written}".'
    return number, None


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value))
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1) + (match.group(2) or "-01"))
    except ValueError:
        return None


def _address(written: str) -> str:
    """A web address as compared: no scheme, no www., lower-case host, no trailing slash."""
    rest = re.sub(r"(?i)^https?://", "", written.strip())
    rest = re.sub(r"(?i)^www\.", "", rest)
    host, slash, path = rest.partition("/")
    return (host.lower() + slash + path).rstrip("/")


def _vanity(written: str) -> str | None:
    """The E.164 number a number written with letters dials (extra letters after the 10th digit are not)."""
    digits = re.sub(r"\D", "", phonenumbers.convert_alpha_characters_in_number(written))
    digits = digits[1:] if digits.startswith("1") else digits
    return f"+1{digits[:10]}" if len(digits) >= 10 else None


def _digits(written: str) -> str | None:
    """The digits of something that looks like a phone number phonenumbers could not read (never a fact)."""
    digits = re.sub(r"\D", "", written)
    return digits if len(digits) >= 7 and not _DATE_LIKE.match(written) else None


def _comparable(kind: str, value: str) -> str:
    """What a typo is measured on: the 10 digits of a US number, the short code, the address."""
    if kind != PHONE:
        return value
    digits = re.sub(r"\D", "", value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


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



def facts_listing(folder: Path, today: date) -> str:
    """The facts of `folder` as a table for `flows check --facts`: value, name, date verified, what to re-verify."""
    registry, _ = load_registry(folder)
    if registry is None:
        return f"{display_path(folder / FACTS_FILE)} cannot be read: see the problems below."
    if not registry.exists:
        return f"{registry.file} does not exist: this flow folder has no facts, so it may send no number."
    width = max((len(f.shown) for f in registry.facts), default=0)
    lines = [f"{'fact':<{width}}  verified               name"]
    lines += [f"{f.shown:<{width}}  {f.verified}  {'RE-VERIFY' if f.stale(today) else '         '}  {f.name}"
              for f in registry.facts]
    stale = sum(1 for f in registry.facts if f.stale(today))
    return "\n".join([*lines, f"{len(registry.facts)} facts in {registry.file}; {stale} verified more than a year "
                                "ago: re-verify them.", ""])
