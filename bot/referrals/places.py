"""Where a texter is: a ZIP code, "City, ST", or a state name or code -> a place with county and coordinates.

Offline, from the ZIP data shipped in bot/referrals/data/ (see `bot.referrals.zip_data`: the USPS ZIP list of
the `zipcodes` package, with county, coordinates and time zone). Start-up reads only states.json (a state's
counties, for the directory); the ZIP table is read on the first ZIP code or city a process looks up, once
even when several threads ask at the same time. Nothing a texter sends is remembered here.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from bot.text import normalise

if TYPE_CHECKING:
    from bot.referrals.zip_data import StateFacts

T = TypeVar("T")
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


class _Zip(NamedTuple):
    state: str
    county: str | None  # county key
    latitude: float
    longitude: float
    city: str
    timezone: str | None


class _Once(Generic[T]):
    """A value built on first use, once: threads that ask while it is being built wait for it (gthread workers)."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build, self._lock = build, threading.Lock()
        self._built: tuple[T] | None = None

    def __call__(self) -> T:
        """The value, built now if nobody has built it yet."""
        built = self._built
        if built is None:
            with self._lock:
                if self._built is None:
                    self._built = (self._build(),)
                built = self._built
        return built[0]


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
    found = _zip(zip_code)
    if found is None:
        return None
    return Place(state=found.state, county=found.county, latitude=found.latitude,
                 longitude=found.longitude, label=f"{found.city}, {found.state}")


def by_city(city: str, state: str) -> Place | None:
    """A city of a state (folded name): its centre and most common county, from its ZIP codes."""
    zips = _cities().get((normalise(city), state))
    if not zips:
        return None
    found = [_zip(z) for z in zips]
    county = Counter(f.county for f in found if f.county).most_common(1)
    return Place(state=state, county=county[0][0] if county else None,
                 latitude=sum(f.latitude for f in found) / len(found),
                 longitude=sum(f.longitude for f in found) / len(found), label=f"{found[0].city}, {state}")


def zip_facts(zip_code: str) -> tuple[float, float, str | None] | None:
    """A ZIP code's centre and IANA time zone (for importing records that give only an address)."""
    found = _zip(zip_code[:5])
    return None if found is None else (found.latitude, found.longitude, found.timezone)


def state_timezone(state: str) -> str | None:
    """The time zone most of a state's ZIP codes are in."""
    facts = _state_facts().get(state)
    return facts["timezone"] if facts else None


def counties(state: str) -> frozenset[str]:
    """The county keys the ZIP list knows in `state`."""
    return _county_keys(state) if state in _state_facts() else frozenset()


def state_of_name(text: str) -> str | None:
    """The USPS code of a state named by code or by name in English or Spanish."""
    return _states().get(normalise(text))


def warm() -> None:
    """Read the ZIP table now instead of at the first ZIP code or city (benchmarks time look-ups without it).

    The bot does not call it: its start-up reads only states.json, and a worker's first ZIP code reads the table.
    """
    _zip_lines()


def _zip(zip_code: str) -> _Zip | None:
    """A ZIP code's line of the table, read (a split and two floats: cheaper than keeping 42,789 objects)."""
    line = _zip_lines().get(zip_code)
    if line is None:
        return None
    _, city, _, county, state, zone, latitude, longitude = line.split("\t")  # zip_data.FIELDS
    return _Zip(state, _county_key_of()[county] if county else None, float(latitude), float(longitude),
                city.title(), zone if "/" in zone else None)


# bot.referrals.zip_data is imported where it is read, not above: it is also a command (python -m), which
# runpy warns about when the package imported it first.
def _read_zip_lines() -> dict[str, str]:
    """Every ZIP code -> its line of the shipped table (the ZIP code is the first 5 characters)."""
    from bot.referrals import zip_data

    return {line[:5]: line for line in zip_data.read_table().splitlines()[1:]}


def _read_state_facts() -> dict[str, StateFacts]:
    """states.json: state code -> its county names and main time zone."""
    from bot.referrals import zip_data

    return zip_data.read_states()


_zip_lines = _Once(_read_zip_lines)
_state_facts = _Once(_read_state_facts)


def _fold_county_names() -> dict[str, str]:
    """Every county name of the ZIP list -> its key, folded all at once (about 2,000 names, under 0.02 s)
    rather than as texters' ZIP codes come: a cache filled that way would tell which were asked."""
    return {name: county_key(name) for facts in _state_facts().values() for name in facts["counties"]}


_county_key_of = _Once(_fold_county_names)


@cache
def _county_keys(state: str) -> frozenset[str]:
    """The county keys of a state in states.json."""
    keys = _county_key_of()
    return frozenset(keys[name] for name in _state_facts()[state]["counties"] if keys[name])


def _index_cities() -> dict[tuple[str, str], tuple[str, ...]]:
    """(folded city, state) -> its ZIP codes, preferring street addresses over PO boxes and single buildings."""
    standard: dict[tuple[str, str], list[str]] = {}
    other: dict[tuple[str, str], list[str]] = {}
    folded: dict[str, str] = {}  # each city name folded once
    for line in _zip_lines().values():  # in ZIP code order, as the table
        zip_code, city, zip_type, _, state, _ = line.split("\t", 5)  # zip_data.FIELDS
        if zip_type != "MILITARY":
            name = folded.get(city)
            if name is None:
                name = folded[city] = normalise(city)
            kind = standard if zip_type == "STANDARD" else other
            kind.setdefault((name, state), []).append(zip_code)
    return {key: tuple(standard.get(key) or zips) for key, zips in {**other, **standard}.items()}


_cities = _Once(_index_cities)


@cache
def _states() -> dict[str, str]:
    """Folded state codes and names (English and Spanish, with and without "the") -> USPS code."""
    states = {}
    for code, (english, spanish) in NAMES.items():
        for name in (code, english, spanish, english.removeprefix("the "), spanish.removeprefix("el ")
                     .removeprefix("las ")):
            states[normalise(name)] = code
    return states
