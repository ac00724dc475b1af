"""Loading <flows>/directory/: replies.yaml (the words) and every service file, checked, with file:line problems.

Hand-kept files are YAML (comments for sources, like the menu); `referrals import` writes JSON, which loads
about a hundred times faster (50,000 services: ~0.3 s from JSON, ~33 s from YAML; see bench/referrals.py).
Both hold the same thing: `services:`, a list of records (see docs in README and bot/referrals/records.py).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.flow.model import LANGUAGES, Source
from bot.flow.problems import FlowError, Problem, display_path
from bot.flow.yaml_source import read_document
from bot.referrals import render
from bot.referrals.directory import Directory
from bot.referrals.hours import Complaint
from bot.referrals.json_lines import line_index, line_of
from bot.referrals.model import Service, Words
from bot.referrals.records import build_service
from bot.referrals.words import REPLIES_FILE, build_words

FOLDER = "directory"
SUFFIXES = (".yaml", ".yml", ".json")
FILE_KEYS = ("services", "imported_from", "imported_on")


class _Anything(Collection[str]):
    """Every name counts as known (used when replies.yaml is broken, so services are not all blamed)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


@contextmanager
def without_gc() -> Iterator[None]:
    """Build many long-lived objects (the directory and its indexes) without the cyclic collector running over them.

    Disabling it alone only defers the cost: the first collection afterwards would scan every new object
    (a quarter of a second for 50,000 services). They live as long as the process, so they are frozen
    (gc.freeze, meant for this) and later collections skip them; reference counting still frees them.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def load_directory(flows_dir: Path) -> Directory | None:
    """The directory under `flows_dir`/directory (None when the flows have none); FlowError lists every problem."""
    folder = flows_dir / FOLDER
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file() and not p.name.startswith("."))
    problems: list[Problem] = []
    words = _read_words(folder / REPLIES_FILE, problems)
    services: list[Service] = []
    seen: dict[str, tuple[_Document, int]] = {}
    with without_gc():  # tens of thousands of new objects and no cycles: the collector would only slow this
        for path in files:
            if path.name != REPLIES_FILE:
                services += _read_services(path, words, len(services), seen, problems)
        if problems:
            raise FlowError(_in_reading_order(problems))
        return Directory.build(tuple(services), words)


def load_words(folder: Path) -> Words:
    """Only replies.yaml of a directory folder (the import needs its needs); FlowError when it is broken."""
    problems: list[Problem] = []
    words = _read_words(folder / REPLIES_FILE, problems)
    if problems or words is None:
        raise FlowError(problems)
    return words


def directory_problems(flows_dir: Path) -> list[Problem]:
    """Every problem in `flows_dir`/directory, for `flows check` (empty when it loads, or when there is none)."""
    try:
        load_directory(flows_dir)
    except FlowError as error:
        return error.problems
    return []


class _Document:
    """A service file read: its data, and where a path inside it is written."""

    def __init__(self, file: str, data: object, text: str | None = None, yaml_doc=None) -> None:
        self.file, self.data, self._text, self._yaml = file, data, text, yaml_doc
        self._lines: dict | None = None

    def source(self, path: tuple) -> Source:
        """file:line of `path` (for JSON the lines are found only now, when a problem needs them)."""
        if self._yaml is not None:
            return self._yaml.source(path)
        if self._lines is None:
            self._lines = line_index(self._text or "")
        return Source(self.file, line_of(self._lines, path))


def _read(path: Path, problems: list[Problem]) -> _Document | None:
    file = display_path(path)
    if path.suffix != ".json":
        doc, found = read_document(path)
        problems += found
        return None if doc is None else _Document(file, doc.data, yaml_doc=doc)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        problems.append(Problem(Source(file, 1), f"cannot read this file as UTF-8 text ({err})."))
        return None
    try:
        return _Document(file, json.loads(text), text=text)
    except json.JSONDecodeError as err:
        problems.append(Problem(Source(file, err.lineno), f"this is not valid JSON ({err.msg} at column "
                                                          f"{err.colno}): check the commas, quotes and brackets."))
        return None


def _read_words(path: Path, problems: list[Problem]) -> Words | None:
    if not path.is_file():
        problems.append(Problem(None, f"{display_path(path)} is missing: the directory's replies (texts, needs, "
                                      "purposes) live there."))
        return None
    doc = _read(path, problems)
    if doc is None:
        return None
    words, complaints = build_words(doc.data)
    problems += [Problem(doc.source(p), f"{m}.") for p, m in complaints]
    return words


def _read_services(path: Path, words: Words | None, order: int, seen: dict[str, tuple[_Document, int]],
                   problems: list[Problem]) -> list[Service]:
    doc = _read(path, problems)
    if doc is None:
        return []
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        problems.append(Problem(Source(doc.file, 1), 'a directory file holds "services:", a list of services.'))
        return []
    problems += [Problem(doc.source((k,)), f'"{k}" is not read here (use {", ".join(FILE_KEYS)}).')
                 for k in data if k not in FILE_KEYS]
    needs = {n.key for n in words.needs} if words else _Anything()
    purposes = words.purposes if words else _Anything()
    check = render.FitCheck(words) if words else None
    services = []
    for index, raw in enumerate(data["services"]):
        service, complaints = build_service(raw, needs, purposes, order + index)
        complaints += _too_long(check, service)
        if not complaints and service.id in seen:
            first, at = seen[service.id]
            complaints = [(("id",), f'the id "{service.id}" is used twice (also at '
                                    f'{first.source(("services", at))}); ids must be unique across the files')]
        if complaints:
            problems += [Problem(doc.source(("services", index, *p)), f"{_where(raw, p)}{m}.") for p, m in complaints]
            continue
        seen[service.id] = (doc, index)
        services.append(service)
    return services


def _too_long(check: render.FitCheck | None, service: Service | None) -> list[Complaint]:
    if check is None or service is None:
        return []
    return [(("name",), f"in {lang} this entry alone does not fit in a reply of 3 SMS segments; shorten its name")
            for lang in LANGUAGES if not check.fits(service, lang)]


def _where(raw: object, path: tuple) -> str:
    """Which service a problem is about, when its id is known (JSON lines are long to scan by eye)."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    field = ".".join(str(p) for p in path)
    return f"service {ident}: {field + ': ' if field else ''}" if ident else (f"{field}: " if field else "")


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.source is None, p.source.file if p.source else "",
                                         p.source.line if p.source else 0))
