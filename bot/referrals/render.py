"""One page of results as one SMS reply: pure, within 3 segments, numbers written for tapping.

The words come from replies.yaml (operators edit them); this module only chooses and joins them. A page
holds as many whole entries as fit in 3 segments with the header and the footer (the closed-now pointer
to the 24/7 lines when an entry is closed, the MORE hint when more remain, and the needs).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.flow.model import LANGUAGES, Localized
from bot.referrals.directory import Directory
from bot.referrals.model import Phone, PhoneType, Service, Tier, Words
from bot.referrals.phones import tappable
from bot.referrals.search import Query, Result, search
from bot.text import gsm7_units as gsm_units
from bot.text import segments

MAX_SEGMENTS = 3
GSM_LIMIT = 3 * 153  # GSM-7 units in 3 segments
LONGEST_PLACE = "Tripler Army Medical Center, HI"  # the longest ZIP place name: every entry must fit with it


@dataclass(frozen=True)
class Page:
    """The reply to send, and the query that gives the next page (past the end when this page is the last,
    so MORE then says that is all, and a need still narrows the same place)."""

    text: str
    next: Query
    last: bool


def page(directory: Directory, query: Query, lang: str, now: int) -> Page:
    """The reply for `query` in `lang` at `now` (epoch seconds): the engine's one call per page."""
    results = search(directory, query.place, query.need, lang, now)
    return render(directory.words, query, results, lang)


def render(words: Words, query: Query, results: Sequence[Result], lang: str) -> Page:
    """Lay out the results from `query.offset` on as one reply of at most 3 SMS segments."""
    place = gsm_safe(query.place.name(lang))
    need = next((n for n in words.needs if n.key == query.need), None)
    need_text = words.text("need", lang).format(label=need.label.get(lang)) if need else ""
    hint = _hint(words, lang)
    if not results:
        return Page(_join(words.text("nothing", lang).format(place=place, need=need_text), hint), query, True)
    if query.offset >= len(results):
        return Page(_join(words.text("no_more", lang).format(place=place), hint), query, True)
    if query.offset:
        hint = ""  # the needs were offered on the first page
    local = any(r.tier <= Tier.COUNTY for r in results)
    header = words.text("results" if local else "results_not_local", lang).format(place=place, need=need_text)
    entries: list[str] = []
    closed = False
    for index in range(query.offset, len(results)):
        result = results[index]
        entry = entry_text(words, result, lang)
        closed_now = closed or result.open_now is False
        more = index + 1 < len(results)
        if _fits(words, header, [*entries, entry], closed_now, more, hint, lang):
            entries.append(entry)
            closed = closed_now
            continue
        if not entries:  # even alone it does not fit: first drop the needs hint, then shorten its name
            hint = ""
            if not _fits(words, header, [entry], closed_now, more, hint, lang):
                entry = _shortened(words, header, result, closed_now, more, lang)
            entries.append(entry)
            closed = closed_now
            index += 1
        break
    else:
        index = len(results)
    last = index >= len(results)
    return Page(_layout(words, header, entries, closed, not last, hint, lang), replace(query, offset=index), last)


def entry_text(words: Words, result: Result, lang: str, name: str | None = None) -> str:
    """One service as a line of the reply: its purpose, name, numbers, and "closed now" when it is."""
    service = result.service
    name = service.name.get(lang) if name is None else name
    contacts = _contacts(words, service, lang)
    purpose = words.purposes[service.purpose].get(lang) if service.purpose else None
    if not contacts:
        text = words.text("entry_without_phones", lang).format(purpose=purpose or "", name=name)
    elif purpose:
        text = words.text("entry_purpose", lang).format(purpose=purpose, name=name, contacts=contacts)
    else:
        text = words.text("entry", lang).format(name=name, contacts=contacts)
    return f"{text} {words.text('closed', lang)}" if result.open_now is False else text


def fits_alone(words: Words, service: Service, lang: str) -> bool:
    """True when `service` fits a page on its own at worst: a long place name, closed, more to come.

    (Without the needs hint, which the renderer leaves out when a single entry does not fit with it.)
    """
    entry = entry_text(words, Result(service, Tier.NATIONAL, None, False), lang)
    return segments(_worst_page(words, entry, lang)).count <= MAX_SEGMENTS


class FitCheck:
    """`fits_alone` for many records at once: a sure-fit bound first (sums of lengths), the exact check if not.

    Loading 50,000 records must take well under a second; rendering every entry twice would take one.
    """

    def __init__(self, words: Words) -> None:
        self.words = words
        self.budget: dict[str, int | None] = {}
        self.scaffold: dict[str, int] = {}
        self.contact: dict[str, int] = {}
        for lang in LANGUAGES:
            empty = Result(Service("", Localized("", ""), "active", (), "", date.min), Tier.NATIONAL, None, False)
            overhead = gsm_units(_worst_page(words, entry_text(words, empty, lang), lang))
            self.budget[lang] = None if overhead is None else GSM_LIMIT - overhead
            purposes = [gsm_units(p.get(lang)) or 10_000 for p in words.purposes.values()]
            templates = [gsm_units(words.text(name, lang)) or 10_000 for name in
                         ("entry", "entry_purpose", "entry_without_phones", "closed")]
            self.scaffold[lang] = max(purposes, default=0) + sum(templates)
            self.contact[lang] = max(gsm_units(words.text(name, lang)) or 10_000 for name in
                                     ("call", "call_press", "text", "text_keyword", "call_or_text")) + \
                (gsm_units(words.text("or", lang)) or 10_000) + len("1-800-555-0100")

    def fits(self, service: Service, lang: str) -> bool:
        """True when the service's entry fits a page on its own at worst (as `fits_alone`)."""
        budget = self.budget[lang]
        name = gsm_units(service.name.get(lang))
        extras = [gsm_units(p.keyword or p.press or "") for p in service.phones if p.keyword or p.press]
        if budget is not None and name is not None and None not in extras:
            bound = self.scaffold[lang] + name + sum(extras) + self.contact[lang] * len(service.phones)
            if bound <= budget:
                return True
        return fits_alone(self.words, service, lang)


def _worst_page(words: Words, entry: str, lang: str) -> str:
    """A page with only `entry`, at worst: the longest place and need, closed, more to come."""
    need = max((n.label.get(lang) for n in words.needs), key=len, default="")
    header = words.text("results_not_local", lang).format(place=LONGEST_PLACE,
                                                          need=words.text("need", lang).format(label=need))
    return _layout(words, header, [entry], True, True, "", lang)


def _hint(words: Words, lang: str) -> str:
    return words.text("needs_hint", lang).format(needs=", ".join(f"{n.digit} {n.label.get(lang)}" for n in words.needs))


def _contacts(words: Words, service: Service, lang: str) -> str:
    """The service's numbers for a texter writing in `lang`: "call 1-800-555-0100 or text 233733"."""
    chosen: list[Phone] = []
    usable = [p for p in service.phones if p.serves(lang)] or list(service.phones)
    for kind in (PhoneType.VOICE, PhoneType.TEXT):
        of_kind = [p for p in usable if p.type is kind]
        own = [p for p in of_kind if lang in p.languages]
        chosen += own or of_kind
    said = []
    for phone in chosen:
        plain = phone.keyword is None and phone.press is None
        twin = next((p for p in chosen if p is not phone and p.number == phone.number and p.keyword is None
                     and p.press is None), None)
        if plain and twin is not None:
            if phone.type is PhoneType.VOICE:
                said.append(words.text("call_or_text", lang).format(number=tappable(phone.number)))
            continue
        number = tappable(phone.number)
        if phone.type is PhoneType.VOICE:
            said.append(words.text("call_press" if phone.press else "call", lang).format(number=number,
                                                                                       press=phone.press))
        else:
            said.append(words.text("text_keyword" if phone.keyword else "text", lang).format(
                number=number, keyword=phone.keyword))
    return words.text("or", lang).join(said)


def _layout(words: Words, header: str, entries: list[str], closed: bool, more: bool, hint: str, lang: str) -> str:
    """The reply: header, entries, the 24/7 lines when one is closed, MORE when more remain, the needs hint."""
    footer = [words.text("closed_pointer", lang)] if closed else []
    footer += [words.text("more", lang)] if more else []
    return _join(header, *(f"- {e}" for e in entries), *footer, hint)


def _fits(words: Words, header: str, entries: list[str], closed: bool, more: bool, hint: str, lang: str) -> bool:
    return segments(_layout(words, header, entries, closed, more, hint, lang)).count <= MAX_SEGMENTS


def _shortened(words: Words, header: str, result: Result, closed: bool, more: bool, lang: str) -> str:
    """The entry with its name cut until the page fits (a too-long record; `flows check` reports it)."""
    name = result.service.name.get(lang)
    while name:
        name = name[:-1]
        entry = entry_text(words, result, lang, name=name.rstrip() + "...")
        if _fits(words, header, [entry], closed, more, "", lang):
            return entry
    return entry_text(words, result, lang, name="")


def gsm_safe(text: str) -> str:
    """`text` with letters outside the SMS alphabet written without their accent ("Hawái" -> "Hawai").

    One such letter in a place name would make the whole reply UCS-2, where 3 segments hold 201 characters
    instead of 459: too few for a header, an entry and the footer.
    """
    if gsm_units(text) is not None:
        return text
    kept = []
    for char in text:
        if gsm_units(char) is None:
            base = unicodedata.normalize("NFKD", char)[0]
            char = base if gsm_units(base) is not None else "?"
        kept.append(char)
    return "".join(kept)


def _join(*lines: str) -> str:
    return "\n".join(line for line in lines if line)
