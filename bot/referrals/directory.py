"""The loaded directory: every service, the words of the reply, and the indexes the search walks.

Built once at start-up; a lookup then touches only the grid cells around the place, its county's and
state's lists, and the national list, never all 50,000 services.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from bot.referrals.model import Need, Service, Words

CELL_DEGREES = 0.25  # grid cell for "nearby": about 17 miles of latitude
MILES_PER_DEGREE = 69.05


@dataclass(frozen=True)
class Directory:
    """The services texters may be sent (inactive ones included: the search leaves them out), and the words."""

    services: tuple[Service, ...]
    words: Words
    grid: Mapping[tuple[int, int], tuple[Service, ...]] = field(repr=False, default_factory=dict)
    by_county: Mapping[tuple[str, str], tuple[Service, ...]] = field(repr=False, default_factory=dict)
    by_state: Mapping[str, tuple[Service, ...]] = field(repr=False, default_factory=dict)
    national: tuple[Service, ...] = field(repr=False, default=())

    @classmethod
    def build(cls, services: tuple[Service, ...], words: Words) -> Directory:
        """Index `services` for the search (only the ones texters may receive)."""
        grid: dict[tuple[int, int], list[Service]] = {}
        by_county: dict[tuple[str, str], list[Service]] = {}
        by_state: dict[str, list[Service]] = {}
        national = []
        for service in services:
            if not service.shown:
                continue
            if service.location is not None:
                grid.setdefault(_cell(service.location.latitude, service.location.longitude), []).append(service)
            area = service.area
            if area is None:
                continue
            if area.national:
                national.append(service)
            elif area.counties:
                for county in area.counties:
                    by_county.setdefault((area.state, county), []).append(service)
            else:
                by_state.setdefault(area.state, []).append(service)
        frozen = {k: tuple(v) for k, v in grid.items()}
        return cls(services, words, frozen, {k: tuple(v) for k, v in by_county.items()},
                   {k: tuple(v) for k, v in by_state.items()}, tuple(national))

    def nearby(self, latitude: float, longitude: float, miles: float) -> Iterator[tuple[Service, float]]:
        """Services located within `miles` of a point, with their distance (not in order)."""
        dlat = miles / MILES_PER_DEGREE
        scale = math.cos(math.radians(latitude))
        dlon = dlat / max(scale, 0.01)
        first, last = _cell(latitude - dlat, longitude - dlon), _cell(latitude + dlat, longitude + dlon)
        limit = (miles / MILES_PER_DEGREE) ** 2
        for row in range(first[0], last[0] + 1):
            for col in range(first[1], last[1] + 1):
                for service in self.grid.get((row, col), ()):
                    north = service.location.latitude - latitude
                    east = (service.location.longitude - longitude) * scale
                    squared = north * north + east * east
                    if squared <= limit:
                        yield service, math.sqrt(squared) * MILES_PER_DEGREE

    def need(self, message: str) -> Need | None:
        """The need a message (normalised: `bot.text.normalise`) names, by its digit or a word in either language
        (None if it names none)."""
        return self._needs_by_word.get(message)

    @cached_property
    def _needs_by_word(self) -> dict[str, Need]:
        """Every need by its digit and its words (the first need listed wins a word two share)."""
        found: dict[str, Need] = {}
        for need in self.words.needs:
            for word in (need.digit, *need.words):
                found.setdefault(word, need)
        return found

    def need_by_key(self, key: str | None) -> Need | None:
        """The need called `key` in replies.yaml."""
        return next((n for n in self.words.needs if n.key == key), None)

    def asks_for_more(self, message: str) -> bool:
        """True when a message (normalised) asks for the next page (MORE, MÁS, ...)."""
        return message in self.words.more


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES)
