"""One directory record (a plain mapping, as read from YAML or JSON) -> a Service, or what is wrong with it.

Used by the loader on every file under <flows>/directory/, and by the import on every record it writes,
so an imported file always loads. Complaints carry the path of the field inside the record; the caller
turns that into file:line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from datetime import date

from bot.flow.model import Localized
from bot.referrals import phones, places
from bot.referrals.hours import Complaint, parse_hours
from bot.referrals.model import STATUSES, Area, Location, Phone, PhoneType, Service

FIELDS = ("id", "name", "organization", "status", "purpose", "needs", "languages", "phones", "area", "location",
          "timezone", "hours", "source", "verified", "note")
PHONE_FIELDS = ("number", "type", "keyword", "press", "languages")
_FIELDS, _PHONE_FIELDS = frozenset(FIELDS), frozenset(PHONE_FIELDS)
NATIONAL = "national"
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def build_service(raw: object, needs: Collection[str], purposes: Collection[str],
                  order: int = 0) -> tuple[Service | None, list[Complaint]]:
    """The service `raw` describes, or None and every complaint about it."""
    if not isinstance(raw, Mapping):
        return None, [((), "each service is a set of fields (id, name, status, phones, source, verified, ...)")]
    complaints: list[Complaint] = [((key,), f'"{key}" is not a service field (use {", ".join(FIELDS)})')
                                   for key in raw.keys() - _FIELDS]
    ident = _text(raw, "id", complaints, required=True)
    name = _name(raw.get("name"), complaints)
    status = _text(raw, "status", complaints, required=True)
    if status is not None and status not in STATUSES:
        complaints.append((("status",), f'"{status}" is not a status: use one of {", ".join(STATUSES)}'))
    source = _text(raw, "source", complaints, required=True)
    verified = _verified(raw.get("verified"), complaints)
    purpose = _text(raw, "purpose", complaints)
    if purpose is not None and purpose not in purposes:
        complaints.append((("purpose",), f'"{purpose}" is not a purpose in replies.yaml '
                                         f'(use one of {", ".join(sorted(purposes))})'))
    service_needs = _keys(raw, "needs", needs, complaints)
    languages = _languages(raw.get("languages"), ("languages",), complaints)
    numbers = _phones(raw.get("phones"), complaints)
    if not numbers and purpose is None and "phones" not in {p[0] for p, _ in complaints if p}:
        complaints.append((("phones",), "give at least one number to call or text (or a purpose whose words say "
                                        "what to do without one)"))
    area = _area(raw.get("area"), complaints)
    location = _location(raw.get("location"), complaints)
    if raw.get("area") is None and raw.get("location") is None:
        complaints.append(((), 'say where the service helps: an area ("national", or a state and its counties) '
                               "or a location (latitude and longitude)"))
    hours, found = parse_hours(raw.get("hours"), raw.get("timezone"))
    complaints += [(("hours", *path) if path[:1] != ("timezone",) else path, message) for path, message in found]
    if complaints:
        return None, complaints
    return Service(id=ident, name=name, status=status, phones=numbers, source=source, verified=verified,
                   needs=service_needs, languages=languages, purpose=purpose, area=area, location=location,
                   hours=hours, order=order), []


def _text(raw: Mapping, key: str, complaints: list[Complaint], required: bool = False) -> str | None:
    value = raw.get(key)
    if type(value) is str and value and not value[0].isspace() and not value[-1].isspace():
        return value  # the common case, as the import writes it
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            complaints.append(((key,), f'"{key}" is missing; every service needs one'))
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        complaints.append(((key,), f'"{key}" must be a single text'))
        return None
    return str(value).strip()


def _name(value: object, complaints: list[Complaint]) -> Localized | None:
    if isinstance(value, str) and value.strip():
        return Localized(value.strip(), value.strip())
    if isinstance(value, Mapping) and set(value) <= {"en", "es"} and all(
            isinstance(v, str) and v.strip() for v in value.values()) and "en" in value:
        return Localized(value["en"].strip(), value.get("es", value["en"]).strip())
    complaints.append((("name",), 'give the service\'s name: a text, or {en: "...", es: "..."}'))
    return None


def _verified(value: object, complaints: list[Complaint]) -> date | None:
    if isinstance(value, date):
        return value
    try:  # a month is enough when that is all the source says ("read in 2026-11")
        return date.fromisoformat(f"{value}-01" if _MONTH.match(str(value)) else str(value))
    except ValueError:
        complaints.append((("verified",), "say when a person last checked this record, as YYYY-MM-DD or YYYY-MM "
                                          f"(found {value!r})" if value is not None else
                           '"verified" is missing: the date a person last checked this record, as YYYY-MM-DD'))
        return None


def _keys(raw: Mapping, key: str, known: Collection[str], complaints: list[Complaint]) -> frozenset[str]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        complaints.append(((key,), f'"{key}" is a list, e.g. [shelter, youth]'))
        return frozenset()
    for index, item in enumerate(value):
        if item not in known:
            complaints.append(((key, index), f'"{item}" is not one of the needs in replies.yaml '
                                             f'({", ".join(sorted(known))})'))
    return frozenset(str(v) for v in value)


def _languages(value: object, path: tuple, complaints: list[Complaint]) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and _LANGUAGE.match(v) for v in value):
        complaints.append((path, "languages are a list of ISO 639 codes in lower case, e.g. [en, es]"))
        return frozenset()
    return frozenset(value)


def _phones(value: object, complaints: list[Complaint]) -> tuple[Phone, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        complaints.append((("phones",), "phones are a list, e.g. - {number: 1-800-555-0100, type: voice}"))
        return ()
    found = []
    for index, item in enumerate(value):
        here = ("phones", index)
        if not isinstance(item, Mapping):
            complaints.append((here, "each phone is a set of fields: number, type, and maybe keyword, press"))
            continue
        complaints += [((*here, key), f'"{key}" is not a phone field (use {", ".join(PHONE_FIELDS)})')
                       for key in item.keys() - _PHONE_FIELDS]
        kind = item.get("type")
        if kind not in ("voice", "text"):
            complaints.append(((*here, "type"), f'type is "voice" (to call) or "text" (to text), not {kind!r}'))
        try:
            number = phones.parse(item.get("number", ""))
        except phones.BadNumber as err:
            complaints.append(((*here, "number"), str(err)))
            continue
        keyword, press = item.get("keyword"), item.get("press")
        if keyword is not None and kind != "text":
            complaints.append(((*here, "keyword"), "a keyword is for a number you text (type: text)"))
        if press is not None and kind != "voice":
            complaints.append(((*here, "press"), "press is for a number you call (type: voice)"))
        languages = _languages(item.get("languages"), (*here, "languages"), complaints)
        if kind in ("voice", "text"):
            found.append(Phone(number, PhoneType(kind), None if keyword is None else str(keyword),
                               None if press is None else str(press), languages))
    return tuple(found)


def _area(value: object, complaints: list[Complaint]) -> Area | None:
    if value is None:
        return None
    if value == NATIONAL:
        return Area(national=True)
    if not isinstance(value, Mapping) or set(value) - {"state", "counties"} or "state" not in value:
        complaints.append((("area",), 'area is "national", or {state: TX} with maybe counties: [Harris, ...]'))
        return None
    state = places.state_of_name(str(value["state"]))
    if state is None:
        complaints.append((("area", "state"), f'"{value["state"]}" is not a US state or territory code (e.g. TX)'))
        return None
    counties = value.get("counties") or []
    if not isinstance(counties, list):
        complaints.append((("area", "counties"), "counties are a list, e.g. [Clark County, Washoe County]"))
        return None
    known, keys = places.counties(state), set()
    for index, county in enumerate(counties):
        key = places.county_key(str(county))
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            complaints.append((("area", "counties", index), f'"{county}" is not a county of {state} in the ZIP '
                                                            f"list{hint}"))
        keys.add(key)
    return Area(state=state, counties=frozenset(keys))


def _location(value: object, complaints: list[Complaint]) -> Location | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) != {"latitude", "longitude"}:
        complaints.append((("location",), "location is {latitude: 29.76, longitude: -95.36}"))
        return None
    try:
        latitude, longitude = float(value["latitude"]), float(value["longitude"])
    except (TypeError, ValueError):
        latitude = longitude = float("nan")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        complaints.append((("location",), f"({value['latitude']}, {value['longitude']}) is not a latitude and "
                                          "longitude in degrees"))
        return None
    return Location(latitude, longitude)
