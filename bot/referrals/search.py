"""The search: a pure function from (directory, place, need, language, time) to the services, nearest first.

Order: services located within the radius (nearest first), then those whose area names the place's county,
then its state, then national ones. Within each: open now, then hours not known, then closed now; in
Spanish, Spanish-speaking services first; then distance and the operators' order. Services that are not
active never appear. The query a conversation keeps is a small value (`Query`), never the ZIP code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from bot.referrals.directory import Directory
from bot.referrals.model import Service, Tier
from bot.referrals.places import Place

MAX_NEARBY = 50  # in a dense city, the nearest 50 within the radius are enough to page through
PLACE_DECIMALS = 1  # a kept place is rounded to about 7 miles, so it cannot name a ZIP code
# One encoder for every kept query: json.dumps with options builds a new one per call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass(frozen=True)
class Result:
    """One service found for a place: how it reaches the place, how far it is, and whether it is open."""

    service: Service
    tier: Tier
    miles: float | None = None
    open_now: bool | None = None  # None: its hours are not known


@dataclass(frozen=True)
class Query:
    """What a conversation keeps between pages: the place (rounded), the need, and where the next page starts."""

    place: Place
    need: str | None = None
    offset: int = 0

    @classmethod
    def at(cls, place: Place, need: str | None = None) -> Query:
        """The first page for `place`, its coordinates rounded so the kept query cannot name a ZIP code."""
        if place.latitude is not None and place.longitude is not None:
            place = Place(place.state, place.county, round(place.latitude, PLACE_DECIMALS),
                          round(place.longitude, PLACE_DECIMALS), place.label)
        return cls(place, need, 0)

    def to_str(self) -> str:
        """Compact JSON for the conversation's state (a few dozen bytes)."""
        p = self.place
        return _COMPACT_JSON([p.state, p.county, p.latitude, p.longitude, p.label, self.need, self.offset])

    @classmethod
    def from_str(cls, raw: str | bytes | None) -> Query | None:
        """A kept query, or None when it cannot be read (then the texter is asked for the place again)."""
        return _read_query(raw)


@lru_cache(maxsize=1024)  # every message on the results reads one, and texters page through the same few places
def _read_query(raw: str | bytes | None) -> Query | None:
    try:
        state, county, latitude, longitude, label, need, offset = json.loads(raw or "")
        place = Place(str(state), county, None if latitude is None else float(latitude),
                      None if longitude is None else float(longitude), label)
        return Query(place, need, int(offset))
    except (ValueError, TypeError):
        return None


def search(directory: Directory, place: Place, need: str | None, lang: str, now: int) -> list[Result]:
    """Every active service for `place` (narrowed to `need` when given), in the order the reply lists them."""
    found: dict[str, Result] = {}

    def offer(service: Service, tier: Tier, miles: float | None = None) -> None:
        if (need is None or need in service.needs) and service.id not in found:
            found[service.id] = Result(service, tier, miles)

    if place.latitude is not None and place.longitude is not None:
        near = sorted(directory.nearby(place.latitude, place.longitude, directory.words.radius_miles),
                      key=lambda pair: pair[1])
        for service, miles in near[:MAX_NEARBY]:
            offer(service, Tier.NEARBY, miles)
    if place.county:
        for service in directory.by_county.get((place.state, place.county), ()):
            offer(service, Tier.COUNTY)
    for service in directory.by_state.get(place.state, ()):
        offer(service, Tier.STATE)
    for service in directory.national:
        offer(service, Tier.NATIONAL)

    results = [Result(r.service, r.tier, r.miles, r.service.hours.open_at(now) if r.service.hours else None)
               for r in found.values()]
    results.sort(key=lambda r: _rank(r, lang))
    return _without_covered_fallbacks(results)


def _rank(result: Result, lang: str) -> tuple:
    openness = 0 if result.open_now else 1 if result.open_now is None else 2
    foreign = lang != "en" and lang not in result.service.languages
    return result.tier, openness, foreign, result.miles or 0.0, result.service.order


def _without_covered_fallbacks(results: list[Result]) -> list[Result]:
    """Drop a record without phones ("call your county's agency") when a nearer one with phones has its purpose."""
    covered: set[str] = set()
    kept = []
    for result in results:
        service = result.service
        if not service.phones and service.purpose in covered:
            continue
        if service.phones and service.purpose:
            covered.add(service.purpose)
        kept.append(result)
    return kept
