"""The referral directory's model: services, their phones, hours and areas, and the words of the reply.

Immutable, built once by `bot.referrals.loader` from the files under `<flows>/directory/`, and shared by
every conversation. Field names follow Open Referral HSDS where HSDS has one (status, phones, languages,
schedules' RFC 5545 fields), so an operator who knows HSDS can read a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from bot.flow.model import Localized
from bot.referrals.hours import Hours

# HSDS service statuses, plus "unverified": a record whose number must be checked by a person before it is
# sent (state-resources.md: rows whose notes say "re-verify"). Only "active" records are ever shown.
STATUSES = ("active", "inactive", "defunct", "temporarily closed", "unverified")
ACTIVE = "active"


class PhoneType(StrEnum):
    """How a texter reaches a number: by calling it or by texting it."""

    VOICE = "voice"
    TEXT = "text"


@dataclass(frozen=True)
class Phone:
    """One number of a service. `number` is E.164 (+18883737888) or a short number (233733, 988)."""

    number: str
    type: PhoneType
    keyword: str | None = None  # the word to text, e.g. HOME to 741741
    press: str | None = None  # the menu option to press once the call is answered
    languages: frozenset[str] = frozenset()  # empty: for every texter; else only in these languages

    def serves(self, lang: str) -> bool:
        """True when this number is for texters writing in `lang`."""
        return not self.languages or lang in self.languages


@dataclass(frozen=True)
class Area:
    """Where a service takes people from: the whole country, a state, or some counties of a state."""

    national: bool = False
    state: str | None = None  # USPS code
    counties: frozenset[str] = frozenset()  # county keys (see places.county_key); empty: the whole state


@dataclass(frozen=True)
class Location:
    """Where a service is, for "nearest first"."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Service:
    """One entry a texter may receive."""

    id: str
    name: Localized
    status: str
    phones: tuple[Phone, ...]
    source: str  # where the record's facts were read (a URL, or the file an import came from)
    verified: date  # when a person last checked them
    needs: frozenset[str] = frozenset()  # need keys (replies.yaml) this service helps with
    languages: frozenset[str] = frozenset()  # ISO 639-1 codes the service speaks
    purpose: str | None = None  # purpose key (replies.yaml): said before the name, or alone without phones
    area: Area | None = None
    location: Location | None = None
    hours: Hours | None = None  # None: not known (neither said open nor closed)
    order: int = 0  # position across the directory files, so operators control the order of equals

    @property
    def shown(self) -> bool:
        """True when texters may receive this service (active and checked)."""
        return self.status == ACTIVE


class Tier(IntEnum):
    """How a service reaches a place, nearest first."""

    NEARBY = 0  # has a location within the radius
    COUNTY = 1  # its area names the place's county
    STATE = 2  # its area is the place's whole state
    NATIONAL = 3


@dataclass(frozen=True)
class Need:
    """One need a texter can narrow to, by its digit or any of its words (normalised) in either language."""

    key: str
    digit: str
    label: Localized
    words: frozenset[str]  # normalised, both languages


@dataclass(frozen=True)
class Words:
    """What the directory's replies say (replies.yaml): texts, needs, purposes, the MORE words, the radius."""

    texts: Mapping[str, Localized]
    needs: tuple[Need, ...]
    purposes: Mapping[str, Localized]
    more: frozenset[str]  # normalised
    radius_miles: float

    def text(self, name: str, lang: str) -> str:
        """The text `name` in `lang`."""
        return self.texts[name].get(lang)
