"""The loader's fast paths give the same answers as the slow, obvious ones they replace."""

from __future__ import annotations

import random
from collections import Counter

import phonenumbers
import pytest
import zipcodes

from bot.referrals.phones import US_REGIONS, BadNumber, parse
from bot.referrals.places import Place, by_zip, counties, county_key, state_timezone, zip_facts


def _full_check(number: str) -> str | None:
    parsed = phonenumbers.parse(number)
    valid = phonenumbers.is_valid_number(parsed) and phonenumbers.region_code_for_number(parsed) in US_REGIONS
    return number if valid else None


@pytest.mark.parametrize("seed", range(3))
def test_e164_numbers_checked_by_exchange_match_a_full_parse(seed):
    rng = random.Random(seed)
    for _ in range(3000):
        number = f"+1{rng.randint(200, 999)}{rng.randint(0, 999):03d}{rng.randint(0, 9999):04d}"
        try:
            fast = parse(number)
        except BadNumber:
            fast = None
        assert fast == _full_check(number), number


def test_every_zip_code_is_placed_as_the_zipcodes_list_places_it():
    """The shipped ZIP table (read line by line when asked) against zipcodes itself, for all 42,789 ZIP codes."""
    for row in zipcodes.list_all():
        state, latitude, longitude = row["state"], float(row["lat"]), float(row["long"])
        county = county_key(row["county"]) if row["county"] else None
        zone = row["timezone"] if "/" in row["timezone"] else None  # a few rows hold a town's name, not a zone
        assert by_zip(row["zip_code"]) == Place(state, county, latitude, longitude, f"{row['city'].title()}, {state}")
        assert zip_facts(row["zip_code"]) == zip_facts(row["zip_code"] + "-1234") == (latitude, longitude, zone)


def test_a_states_counties_and_time_zone_are_those_of_its_zip_codes_in_the_zipcodes_list():
    """states.json, read at start-up instead of the whole list, against zipcodes itself."""
    by_state: dict[str, list[dict]] = {}
    for row in zipcodes.list_all():
        by_state.setdefault(row["state"], []).append(row)
    for state, rows in by_state.items():
        assert counties(state) == {county_key(r["county"]) for r in rows if r["county"]}, state
        zones = Counter(r["timezone"] for r in rows if "/" in r["timezone"]).most_common(1)
        assert state_timezone(state) == (zones[0][0] if zones else None), state
    assert counties("ZZ") == frozenset() and state_timezone("ZZ") is None
