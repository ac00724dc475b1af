"""replies.yaml: the words of the directory's replies, the needs and purposes, the MORE words, the radius.

Operators edit these like the menu; every text exists in English and Spanish and may use only its own
placeholders, so a typo is reported with its line instead of failing in front of a texter.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType

from bot.flow.model import LANGUAGES, Localized
from bot.referrals.hours import Complaint
from bot.referrals.model import Need, Words
from bot.text import normalise

REPLIES_FILE = "replies.yaml"
# Every text the renderer says, and the placeholders each may use.
TEXTS: Mapping[str, frozenset[str]] = MappingProxyType({
    "results": frozenset({"place", "need"}),  # header when something local (nearby or county) is listed
    "results_not_local": frozenset({"place", "need"}),  # header when only state and national lines are
    "need": frozenset({"label"}),  # fills {need} in the headers when the texter picked one
    "entry": frozenset({"name", "contacts"}),
    "entry_purpose": frozenset({"purpose", "name", "contacts"}),
    "entry_without_phones": frozenset({"purpose", "name"}),
    "call": frozenset({"number"}),
    "call_press": frozenset({"number", "press"}),
    "text": frozenset({"number"}),
    "text_keyword": frozenset({"number", "keyword"}),
    "call_or_text": frozenset({"number"}),
    "or": frozenset(),
    "closed": frozenset(),
    "closed_pointer": frozenset(),  # after a page with a closed entry: the 24/7 lines
    "more": frozenset(),
    "needs_hint": frozenset({"needs"}),
    "nothing": frozenset({"place", "need"}),
    "no_more": frozenset({"place"}),
    "unknown_place": frozenset(),
})
TOP = ("radius_miles", "more", "needs", "purposes", "texts")


def build_words(data: object) -> tuple[Words | None, list[Complaint]]:
    """The words replies.yaml holds, or every complaint about them."""
    if not isinstance(data, Mapping):
        return None, [((), f"{REPLIES_FILE} holds {', '.join(TOP)}")]
    complaints: list[Complaint] = [((key,), f'"{key}" is not a setting here (use {", ".join(TOP)})')
                                   for key in data if key not in TOP]
    radius = data.get("radius_miles")
    if not isinstance(radius, int | float) or isinstance(radius, bool) or not 0 < radius <= 500:
        complaints.append((("radius_miles",), "radius_miles is the search radius in miles, e.g. 25"))
    texts = {name: _localized(data.get("texts"), ("texts", name), complaints, allowed)
             for name, allowed in TEXTS.items()}
    if isinstance(data.get("texts"), Mapping):
        complaints += [(("texts", k), f'"{k}" is not a text the directory says (use {", ".join(TEXTS)})')
                       for k in data["texts"] if k not in TEXTS]
    purposes_raw = data.get("purposes")
    if not isinstance(purposes_raw, Mapping):
        complaints.append((("purposes",), "purposes is a set of names, each with en and es words"))
        purposes_raw = {}
    purposes = {str(k): _localized(purposes_raw, ("purposes", k), complaints, frozenset()) for k in purposes_raw}
    needs = _needs(data.get("needs"), complaints)
    more = _word_lists(data.get("more"), ("more",), complaints)
    if complaints:
        return None, complaints
    return Words(MappingProxyType(texts), needs, MappingProxyType(purposes), more, float(radius)), []


def _localized(parent: object, path: tuple, complaints: list[Complaint], allowed: frozenset[str]) -> Localized:
    value = parent.get(path[-1]) if isinstance(parent, Mapping) else None
    if not isinstance(value, Mapping):
        complaints.append((path, f'"{path[-1]}" needs its words in English and Spanish (en: ..., es: ...)'))
        return Localized("", "")
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str):
            complaints.append(((*path, lang), f'"{path[-1]}" has no {lang} text'))
            continue
        try:
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
        except ValueError:
            complaints.append(((*path, lang), "a { or } is not closed; write {{ or }} for a literal brace"))
            continue
        for field in sorted(used - allowed):
            hint = f"use {', '.join('{' + a + '}' for a in sorted(allowed))}" if allowed else "it takes none"
            complaints.append(((*path, lang), f'{{{field}}} cannot be filled in "{path[-1]}" ({hint})'))
    return Localized(str(value.get("en", "")), str(value.get("es", "")))


def _needs(value: object, complaints: list[Complaint]) -> tuple[Need, ...]:
    if not isinstance(value, list) or not value:
        complaints.append((("needs",), "needs is a list of {key, digit, label: {en, es}, words: {en: [...], "
                                       "es: [...]}}"))
        return ()
    needs, seen = [], {}
    for index, raw in enumerate(value):
        path = ("needs", index)
        if not isinstance(raw, Mapping) or not isinstance(raw.get("key"), str):
            complaints.append((path, "each need has a key (a short name services use), a digit, a label and words"))
            continue
        digit = str(raw.get("digit", ""))
        if not digit.isdigit():
            complaints.append(((*path, "digit"), "digit is the number a texter sends to pick this need"))
        label = _localized(raw, (*path, "label"), complaints, frozenset())
        words = _word_lists(raw.get("words"), (*path, "words"), complaints) | {normalise(raw["key"])}
        for word in (*words, digit):
            if word in seen:
                complaints.append((path, f'"{word}" already picks the need "{seen[word]}"'))
            seen[word] = raw["key"]
        needs.append(Need(raw["key"], digit, label, words))
    return tuple(needs)


def _word_lists(value: object, path: tuple, complaints: list[Complaint]) -> frozenset[str]:
    if not isinstance(value, Mapping) or not all(isinstance(value.get(lang), list) for lang in LANGUAGES):
        complaints.append((path, "give the words in both languages: en: [...] and es: [...]"))
        return frozenset()
    return frozenset(normalise(str(w)) for lang in LANGUAGES for w in value[lang] if normalise(str(w)))
