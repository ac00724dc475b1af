"""The facts registry (flows/facts.yaml): every number, short code, text keyword and web address the bot may
send, with its source and the date a person verified it. `bot.flow.fact_check` checks the texts against it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bot.flow.model import Source
from bot.flow.problems import WARNING, Problem, display_path
from bot.flow.yaml_source import read_document

FACTS_FILE = "facts.yaml"  # a reserved name in a flow folder: the registry, never read as a flow file
PHONE, SHORT_CODE, WEB = "phone", "short_code", "web"
KINDS = (PHONE, SHORT_CODE, WEB)
FIELDS = ("name", *KINDS, "keyword", "source", "verified", "notes")
REVERIFY_AFTER = timedelta(days=365)
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
        value = address(written)
        if not _WEB_VALUE.match(value):
            return None, f'"{written}" is not a web address; write it as humantraffickinghotline.org or with its path.'
        return value, None
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


def address(written: str) -> str:
    """A web address as compared: no scheme, no www., lower-case host, no trailing slash."""
    rest = re.sub(r"(?i)^https?://", "", written.strip())
    rest = re.sub(r"(?i)^www\.", "", rest)
    host, slash, path = rest.partition("/")
    return (host.lower() + slash + path).rstrip("/")


def _comparable(kind: str, value: str) -> str:
    """What a typo is measured on: the 10 digits of a US number, the short code, the address."""
    if kind != PHONE:
        return value
    digits = re.sub(r"\D", "", value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
