"""Where a texter is: a ZIP code, "City, ST", or a state name or code -> a place with county and coordinates.

Offline, from the `zipcodes` package (the USPS ZIP list with county, coordinates and time zone, shipped in
its wheel). The indexes hold the public ZIP list, built once; nothing a texter sends is remembered here.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import zipcodes

from bot.text import normalise

ZIP = re.compile(r"^(\d{5})(?: \d{4})?$")  # after folding, ZIP+4's hyphen is a space

# State and territory names (USPS codes zipcodes uses). Spanish where US Spanish-language media
# use a Spanish form; otherwise the English name. Military mail codes (AA, AE, AP) name no place.
NAMES: dict[str, tuple[str, str]] = {
    "AL": ("Alabama", "Alabama"), "AK": ("Alaska", "Alaska"), "AZ": ("Arizona", "Arizona"),
    "AR": ("Arkansas", "Arkansas"), "CA": ("California", "California"), "CO": ("Colorado", "Colorado"),
    "CT": ("Connecticut", "Connecticut"), "DE": ("Delaware", "Delaware"),
    "DC": ("the District of Columbia", "el Distrito de Columbia"), "FL": ("Florida", "Florida"),
    "GA": ("Georgia", "Georgia"), "HI": ("Hawaii", "Hawái"), "ID": ("Idaho", "Idaho"),
    "IL": ("Illinois", "Illinois"), "IN": ("Indiana", "Indiana"), "IA": ("Iowa", "Iowa"),
    "KS": ("Kansas", "Kansas"), "KY": ("Kentucky", "Kentucky"), "LA": ("Louisiana", "Luisiana"),
    "ME": ("Maine", "Maine"), "MD": ("Maryland", "Maryland"), "MA": ("Massachusetts", "Massachusetts"),
    "MI": ("Michigan", "Míchigan"), "MN": ("Minnesota", "Minnesota"), "MS": ("Mississippi", "Misisipi"),
    "MO": ("Missouri", "Misuri"), "MT": ("Montana", "Montana"), "NE": ("Nebraska", "Nebraska"),
    "NV": ("Nevada", "Nevada"), "NH": ("New Hampshire", "Nuevo Hampshire"), "NJ": ("New Jersey", "Nueva Jersey"),
    "NM": ("New Mexico", "Nuevo México"), "NY": ("New York", "Nueva York"),
    "NC": ("North Carolina", "Carolina del Norte"), "ND": ("North Dakota", "Dakota del Norte"),
    "OH": ("Ohio", "Ohio"), "OK": ("Oklahoma", "Oklahoma"), "OR": ("Oregon", "Oregón"),
    "PA": ("Pennsylvania", "Pensilvania"), "RI": ("Rhode Island", "Rhode Island"),
    "SC": ("South Carolina", "Carolina del Sur"), "SD": ("South Dakota", "Dakota del Sur"),
    "TN": ("Tennessee", "Tennessee"), "TX": ("Texas", "Texas"), "UT": ("Utah", "Utah"),
    "VT": ("Vermont", "Vermont"), "VA": ("Virginia", "Virginia"), "WA": ("Washington", "Washington"),
    "WV": ("West Virginia", "Virginia Occidental"), "WI": ("Wisconsin", "Wisconsin"), "WY": ("Wyoming", "Wyoming"),
    "PR": ("Puerto Rico", "Puerto Rico"), "VI": ("the US Virgin Islands", "las Islas Vírgenes"),
    "GU": ("Guam", "Guam"), "AS": ("American Samoa", "Samoa Americana"),
    "MP": ("the Northern Mariana Islands", "las Islas Marianas del Norte"),
    "FM": ("Micronesia", "Micronesia"), "MH": ("the Marshall Islands", "las Islas Marshall"),
    "PW": ("Palau", "Palaos"),
}
# Words that end a county's name in the ZIP data; "Los Angeles" and "Los Angeles County" are one county.
_COUNTY_WORDS = ("county", "parish", "borough", "census area", "municipio", "municipality", "city and borough")


@dataclass(frozen=True)
class Place:
    """A place a texter named: its state, county, centre and name; never the ZIP code itself."""

    state: str
    county: str | None = None  # county key (see county_key)
    latitude: float | None = None
    longitude: float | None = None
    label: str | None = None  # "Houston, TX"; None for a state (named in the texter's language)

    def name(self, lang: str) -> str:
        """How the reply names this place."""
        if self.label:
            return self.label
        names = NAMES.get(self.state)
        return names[1 if lang == "es" else 0] if names else self.state


@dataclass(frozen=True)
class _Zip:
    state: str
    county: str | None
    latitude: float
    longitude: float
    city: str
    timezone: str | None


def county_key(name: str) -> str:
    """A county's name folded for comparison: "Los Angeles County" and "los angeles" give "los angeles"."""
    folded = normalise(name)
    for word in _COUNTY_WORDS:
        if folded.endswith(" " + word):
            return folded[: -len(word) - 1]
    return folded


def resolve(text: str) -> Place | None:
    """The place `text` names (a ZIP code, "City, ST", "City State", a state's name or code), else None."""
    folded = normalise(text)
    match = ZIP.match(folded)
    if match:
        return by_zip(match.group(1))
    state = _states().get(folded)
    if state:
        return Place(state=state)
    words = folded.split()
    for cut in range(len(words) - 1, 0, -1):  # the state is the last one to three words
        state = _states().get(" ".join(words[cut:]))
        if state:
            return by_city(" ".join(words[:cut]), state)
    return None


def by_zip(zip_code: str) -> Place | None:
    """The place of a 5-digit ZIP code, or None when the USPS list does not have it."""
    found = _zips().get(zip_code)
    if found is None:
        return None
    return Place(state=found.state, county=found.county, latitude=found.latitude,
                 longitude=found.longitude, label=f"{found.city}, {found.state}")


def by_city(city: str, state: str) -> Place | None:
    """A city of a state (folded name): its centre and most common county, from its ZIP codes."""
    zips = _cities().get((normalise(city), state))
    if not zips:
        return None
    found = [_zips()[z] for z in zips]
    county = Counter(f.county for f in found if f.county).most_common(1)
    return Place(state=state, county=county[0][0] if county else None,
                 latitude=sum(f.latitude for f in found) / len(found),
                 longitude=sum(f.longitude for f in found) / len(found), label=f"{found[0].city}, {state}")


def zip_facts(zip_code: str) -> tuple[float, float, str | None] | None:
    """A ZIP code's centre and IANA time zone (for importing records that give only an address)."""
    found = _zips().get(zip_code[:5])
    return None if found is None else (found.latitude, found.longitude, found.timezone)


@cache
def state_timezone(state: str) -> str | None:
    """The time zone most of a state's ZIP codes are in."""
    zones = Counter(z.timezone for z in _zips().values() if z.state == state and z.timezone)
    return zones.most_common(1)[0][0] if zones else None


def counties(state: str) -> frozenset[str]:
    """The county keys the ZIP list knows in `state`."""
    return _counties().get(state, frozenset())


@cache
def _counties() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for z in _zips().values():
        if z.county:
            found.setdefault(z.state, set()).add(z.county)
    return {state: frozenset(keys) for state, keys in found.items()}


def state_of_name(text: str) -> str | None:
    """The USPS code of a state named by code or by name in English or Spanish."""
    return _states().get(normalise(text))


def warm() -> None:
    """Build the ZIP index now (the directory needs it to load anyway), so the first texter who sends a ZIP code
    does not wait. The city index (a tenth of a second) is built on the first "City, ST", not at every start."""
    _zips()


@contextmanager
def without_gc() -> Iterator[None]:
    """Build many long-lived objects (indexes, the directory) without the cyclic collector running over them.

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


@cache
def _zips() -> dict[str, _Zip]:
    """Every ZIP code -> its place: zipcodes.matching scans the whole list (~3 ms a call), so index it once."""
    with without_gc():
        return _index_zips()


def _index_zips() -> dict[str, _Zip]:
    index = {}
    county_keys = {name: county_key(name) for name in {r["county"] for r in zipcodes.list_all() if r["county"]}}
    for r in zipcodes.list_all():
        index[r["zip_code"]] = _Zip(r["state"], county_keys.get(r["county"]),
                                    float(r["lat"]), float(r["long"]), r["city"].title(),
                                    r["timezone"] if "/" in r["timezone"] else None)
    return index


@cache
def _cities() -> dict[tuple[str, str], tuple[str, ...]]:
    """(folded city, state) -> its ZIP codes, preferring street addresses over PO boxes and single buildings."""
    standard: dict[tuple[str, str], list[str]] = {}
    other: dict[tuple[str, str], list[str]] = {}
    folded = {city: normalise(city) for city in {r["city"] for r in zipcodes.list_all()}}
    for r in zipcodes.list_all():
        if r["zip_code_type"] != "MILITARY":
            kind = standard if r["zip_code_type"] == "STANDARD" else other
            kind.setdefault((folded[r["city"]], r["state"]), []).append(r["zip_code"])
    return {key: tuple(standard.get(key) or zips) for key, zips in {**other, **standard}.items()}


@cache
def _states() -> dict[str, str]:
    """Folded state codes and names (English and Spanish, with and without "the") -> USPS code."""
    states = {}
    for code, (english, spanish) in NAMES.items():
        for name in (code, english, spanish, english.removeprefix("the "), spanish.removeprefix("el ")
                     .removeprefix("las ")):
            states[normalise(name)] = code
    return states
