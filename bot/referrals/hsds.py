"""Importing Open Referral HSDS into a directory file: every record imported or reported with its reason.

`import_source` reads the source (bot.referrals.hsds_read), turns each HSDS service into a directory
record (the fields the bot uses: name, status, phones, languages, location or service area, schedules,
taxonomy terms that name a need, assured date), checks it exactly as the loader will, and writes the
ones that pass to <flows>/directory/NAME.json. A field that cannot be used (a fax number, a UTC offset)
is reported and left out; a service the bot cannot use at all (no US number to call or text, nowhere to
place it) is rejected with the reason.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.referrals import phones, places
from bot.referrals.hours import RULE_FIELDS, parse_rule
from bot.referrals.hsds_read import WHERE, read_source
from bot.referrals.model import Words
from bot.referrals.records import build_service
from bot.text import normalise

HSDS_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LANGUAGE_NAMES = {"english": "en", "spanish": "es", "espanol": "es", "español": "es"}
WEEKDAYS = {"1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU",  # HSDS 1.x: ISO, 1 = Monday
            "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
            "saturday": "SA", "sunday": "SU"}
NATIONAL_WORDS = ("national", "nationwide", "united states", "usa", "us", "all states")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_COUNTY = re.compile(r"^(.+?)(?: county| parish| borough)?,? ([a-z ]+)$")


@dataclass
class Report:
    """What an import did: the lines to print, and the counts of the summary line."""

    lines: list[str] = field(default_factory=list)
    read: int = 0
    records: list[dict] = field(default_factory=list)
    rejected: int = 0


def import_source(source: Path, words: Words, today: date) -> Report:
    """Read `source` and convert every service; the caller writes `report.records` when there are any."""
    found = read_source(source)
    report = Report(lines=list(found.notes))
    seen: set[str] = set()
    for where, raw in found.services:
        report.read += 1
        record, problems, fatal = convert(raw, words, str(source), today)
        if record is not None and record["id"] in seen:
            problems.append(("id", f'"{record["id"]}" is used by an earlier service in this source'))
            fatal = True
        if record is not None and not fatal:
            service, complaints = build_service(record, {n.key for n in words.needs}, words.purposes)
            problems += [(".".join(str(p) for p in path) or "service", message) for path, message in complaints]
            fatal = service is None
        report.lines += [f"{line_where or where}: {name}: {reason}" for name, reason, line_where in
                         (_split(p) for p in problems)]
        if fatal or record is None:
            report.rejected += 1
            report.lines.append(f"{where}: service: rejected ({_name(raw)})")
            continue
        seen.add(record["id"])
        report.records.append(record)
    return report


def write(records: list[dict], target: Path, source: str, today: date) -> None:
    """Write the directory file atomically (a crash leaves the old file, never half a new one)."""
    document = {"imported_from": source, "imported_on": today.isoformat(), "services": records}
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json_lines_document(document))
    os.replace(temporary, target)


def json_lines_document(document: dict) -> str:
    """The file as JSON with one service per line: compact to load, and file:line names the service."""
    head = {k: v for k, v in document.items() if k != "services"}
    lines = [json.dumps(s, ensure_ascii=False, separators=(", ", ": ")) for s in document["services"]]
    opening = json.dumps(head, ensure_ascii=False)[:-1] + (', ' if head else '') + '"services": [\n'
    return opening + ",\n".join(lines) + "\n]}\n"


Problem = tuple  # (field, reason) or (field, reason, "file:row")


def _split(problem: Problem) -> tuple[str, str, str | None]:
    return problem[0], problem[1], problem[2] if len(problem) > 2 else None


def _name(raw: dict) -> str:
    return str(raw.get("name") or raw.get("id") or "no name")


def convert(raw: dict, words: Words, source: str, today: date) -> tuple[dict | None, list[Problem], bool]:
    """One HSDS service -> a directory record, the problems found, and whether they reject it."""
    problems: list[Problem] = []
    ident, name = _text(raw.get("id")), _text(raw.get("name"))
    status = _text(raw.get("status")).lower()
    if not ident:
        problems.append(("id", "missing: HSDS requires every service to have an id"))
    if not name:
        problems.append(("name", "missing: HSDS requires every service to have a name"))
    if status not in HSDS_STATUSES:
        problems.append(("status", f'"{status}" is not an HSDS status ({", ".join(HSDS_STATUSES)})'
                                   if status else "missing: HSDS requires a status (active, inactive, ...)"))
    if problems:
        return None, problems, True
    locations = [link.get("location") for link in raw.get("service_at_locations") or [] if link.get("location")]
    record: dict = {"id": ident, "name": name, "status": status}
    organization = raw.get("organization") or {}
    if _text(organization.get("name")):
        record["organization"] = _text(organization["name"])
    numbers, spoken = _phones(raw, locations, organization, problems)
    if not numbers:
        problems.append(("phones", "no number a texter in the US can call or text, so the service cannot be "
                                   "listed"))
        return None, problems, True
    record["phones"] = numbers
    needs = _needs(raw, words)
    if needs:
        record["needs"] = needs
    languages = sorted(set(_languages(raw.get("languages") or [], problems, "languages")) | set(spoken))
    if languages:
        record["languages"] = languages
    location, zone = _location(locations, problems)
    area = _area(raw.get("service_areas") or [], problems)
    if location is None and area is None:
        problems.append(("location", "no coordinates, US ZIP code or service area the bot can place, so no "
                                     "texter would be sent it"))
        return None, problems, True
    if location is not None:
        record["location"] = location
    if area is not None:
        record["area"] = area
    state = area.get("state") if isinstance(area, dict) else None
    rules = _schedules(raw, problems)
    zone = zone or (places.state_timezone(state) if state else None)
    if rules and zone is None:
        problems.append(("schedules", "no time zone known for this service (no US ZIP code or state), so its "
                                      "hours are left out and it is never said to be open or closed"))
    elif rules:
        record["timezone"], record["hours"] = zone, rules
    record["source"] = source
    record["verified"] = _verified(raw, problems, today)
    return record, problems, False


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _phones(raw: dict, locations: list[dict], organization: dict,
            problems: list[Problem]) -> tuple[list[dict], list[str]]:
    """The service's own numbers (else its locations', else its organization's), and the languages they speak."""
    groups = [("phones", raw.get("phones") or [])]
    groups += [(f"service_at_locations.{i}.phones", link.get("phones") or [])
               for i, link in enumerate(raw.get("service_at_locations") or [])]
    groups += [("location.phones", loc.get("phones") or []) for loc in locations]
    groups.append(("organization.phones", organization.get("phones") or []))
    found: list[dict] = []
    spoken: list[str] = []
    for path, items in groups:
        if found:
            break
        for index, item in enumerate(items):
            here = f"{path}.{index}"
            where = item.get(WHERE)
            kind = _text(item.get("type")).lower() or "voice"
            if kind not in phones.TYPES:
                problems.append((f"{here}.type", f'"{kind}": the bot only gives numbers to call or text', where))
                continue
            try:
                number = phones.parse(item.get("number"))
            except phones.BadNumber as err:
                problems.append((f"{here}.number", str(err), where))
                continue
            phone = {"number": number, "type": phones.TYPES[kind]}
            extension = _text(item.get("extension"))
            if extension and phone["type"] == "voice":
                phone["press"] = extension
            # HSDS: the languages spoken on this line. They count as the service's languages; a directory
            # phone's own "languages" means something else (a variant only for texters in that language).
            spoken += _languages(item.get("languages") or _csv_list(item.get("language")), problems,
                                 f"{here}.languages", where)
            if phone not in found:
                found.append(phone)
    return found, spoken


def _csv_list(value: object) -> list[str]:
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def _languages(items: list, problems: list[Problem], path: str, where: str | None = None) -> list[str]:
    codes = []
    for item in items:
        text = _text(item.get("code") or item.get("language") or item.get("name")) if isinstance(item, dict) \
            else _text(item)
        row = item.get(WHERE, where) if isinstance(item, dict) else where
        code = LANGUAGE_NAMES.get(normalise(text), text.lower())
        if re.fullmatch(r"[a-z]{2,3}", code):
            codes.append(code)
        elif text:
            problems.append((path, f'"{text}" is not an ISO 639 language code (such as es), so it is left out', row))
    return sorted(set(codes))


def _needs(raw: dict, words: Words) -> list[str]:
    """Needs named by the service's taxonomy terms (by term name or code, in either language)."""
    terms = []
    for attribute in raw.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        terms += [term.get("name"), term.get("term"), term.get("code"), attribute.get("value")]
    folded = {normalise(str(t)) for t in terms if t}
    return [n.key for n in words.needs if folded & (n.words | {n.key})]


def _location(locations: list[dict], problems: list[Problem]) -> tuple[dict | None, str | None]:
    """The first location with coordinates (or a US ZIP code), and its time zone."""
    for index, loc in enumerate(locations):
        where = loc.get(WHERE)
        zips = [_text(a.get("postal_code"))[:5] for a in loc.get("addresses") or []]
        facts = next((places.zip_facts(z) for z in zips if places.zip_facts(z)), None)
        zone = facts[2] if facts else None
        latitude, longitude = loc.get("latitude"), loc.get("longitude")
        if latitude not in (None, "") and longitude not in (None, ""):
            try:
                lat, lon = float(latitude), float(longitude)
            except ValueError:
                lat = lon = float("nan")
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return {"latitude": lat, "longitude": lon}, zone
            problems.append((f"location.{index}.latitude", f"({latitude}, {longitude}) is not a latitude and "
                                                           "longitude in degrees", where))
        if facts:
            problems.append((f"location.{index}", "no usable coordinates: placed at its ZIP code's centre", where))
            return {"latitude": facts[0], "longitude": facts[1]}, zone
    return None, None


def _area(areas: list[dict], problems: list[Problem]) -> dict | str | None:
    """A service area the bot understands: national, a state, or counties of a state (from free text)."""
    for index, item in enumerate(areas):
        where = item.get(WHERE)
        texts = [_text(item.get(k)) for k in ("service_area", "name", "extent", "description")]
        kind = _text(item.get("extent_type")).lower()
        for text in texts:
            folded = normalise(text)
            if not folded:
                continue
            if folded in NATIONAL_WORDS:
                return "national"
            state = places.state_of_name(folded)
            if state:
                return {"state": state}
            match = _COUNTY.match(folded)
            state = places.state_of_name(match.group(2)) if match else None
            if state and places.county_key(match.group(1)) in places.counties(state):
                return {"state": state, "counties": [match.group(1).title()]}
        what = f"{kind} extents are not read" if kind and kind != "text" else "its text names no US state or county"
        problems.append((f"service_areas.{index}", f"{what}; the service is placed by its location instead", where))
    return None


def _schedules(raw: dict, problems: list[Problem]) -> list[dict]:
    """The service's schedules (else its first location's) as directory rules; unreadable ones reported."""
    items = raw.get("schedules") or next((link.get("schedules") for link in raw.get("service_at_locations") or []
                                          if link.get("schedules")), [])
    rules = []
    for index, item in enumerate(items):
        where = item.get(WHERE)
        rule = {k: item[k] for k in RULE_FIELDS - {"description", "notes"} if _text(item.get(k))}
        if "weekday" in item:  # HSDS 1.x regular_schedules
            day = WEEKDAYS.get(normalise(_text(item["weekday"])))
            if day is None:
                problems.append((f"schedules.{index}.weekday", f'"{item["weekday"]}" is not a weekday (1 = Monday '
                                                               "... 7 = Sunday, or its name)", where))
                continue
            rule["byday"] = day
        for key in ("opens_at", "closes_at"):
            if key in rule and _OFFSET.search(_text(rule[key])):
                rule[key] = _OFFSET.sub("", _text(rule[key]))
                problems.append((f"schedules.{index}.{key}", "the UTC offset is left out: hours are read in the "
                                                             "service's own time zone", where))
        if "timezone" in item and _text(item["timezone"]):
            problems.append((f"schedules.{index}.timezone", "a UTC offset has no daylight saving: the time zone of "
                                                            "the service's ZIP code or state is used", where))
        for key in ("interval", "count"):
            if key in rule:
                rule[key] = _text(rule[key])
        _, complaints = parse_rule(rule)
        if complaints:
            problems += [(f"schedules.{index}.{'.'.join(map(str, path))}", message, where)
                         for path, message in complaints]
            continue
        rules.append({k: _text(v) for k, v in sorted(rule.items())})
    return rules


def _verified(raw: dict, problems: list[Problem], today: date) -> str:
    for key in ("assured_date", "last_modified"):
        value = _text(raw.get(key))[:10]
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            continue
    problems.append(("verified", "no assured_date or last_modified: the date of this import is used"))
    return today.isoformat()
