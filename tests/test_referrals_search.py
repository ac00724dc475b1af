"""The search, nearest first: nearby, then county, state and national; open now first; need; Spanish; active only."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.referrals.places import Place, resolve
from bot.referrals.search import Query, search
from tests.referral_fixtures import directory, near, record

MONDAY_NOON = int(datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("America/Chicago")).timestamp())
SUNDAY_NOON = int(datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("America/Chicago")).timestamp())
WEEKDAYS = {"timezone": "America/Chicago", "hours": [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00",
                                                      "closes_at": "17:00"}]}
HOUSTON = resolve("77002")


def ids(results) -> list[str]:
    return [r.service.id for r in results]


def test_nearest_first_then_county_then_state_then_national():
    found = search(directory(
        record("national", area="national"),
        record("state", area={"state": "TX"}),
        record("county", area={"state": "TX", "counties": ["Harris County"]}),
        record("far", location=near(10)),
        record("close", location=near(1)),
        record("out of radius", location=near(40)),
        record("other state", area={"state": "LA"}),
        record("other county", area={"state": "TX", "counties": ["Dallas"]}),
    ), HOUSTON, None, "en", MONDAY_NOON)
    assert ids(found) == ["close", "far", "county", "state", "national"]
    assert 0 < found[0].miles < found[1].miles < 25


def test_a_state_place_gets_state_and_national_lines_only():
    found = search(directory(record("close", location=near(1)), record("county", area={
        "state": "TX", "counties": ["Harris"]}), record("state", area={"state": "TX"}),
        record("national", area="national")), resolve("Texas"), None, "en", MONDAY_NOON)
    assert ids(found) == ["state", "national"]


@pytest.mark.parametrize(("now", "expected"), [
    (MONDAY_NOON, ["weekdays", "always", "unknown"]),
    (SUNDAY_NOON, ["always", "unknown", "weekdays"]),  # closed now goes last
])
def test_open_now_before_hours_unknown_before_closed(now, expected):
    found = search(directory(
        record("weekdays", area={"state": "TX"}, **WEEKDAYS),
        record("unknown", area={"state": "TX"}),
        record("always", area={"state": "TX"}, hours="24/7"),
    ), HOUSTON, None, "en", now)
    assert ids(found) == expected
    assert [r.open_now for r in found if r.service.id == "weekdays"] == [now == MONDAY_NOON]


def test_nearer_tier_wins_over_open_now():
    found = search(directory(record("closed nearby", location=near(2), **WEEKDAYS),
                             record("open national", area="national", hours="24/7")), HOUSTON, None, "en", SUNDAY_NOON)
    assert ids(found) == ["closed nearby", "open national"]


@pytest.mark.parametrize(("need", "expected"), [
    (None, ["shelter", "legal", "both"]),
    ("shelter", ["shelter", "both"]),
    ("legal", ["legal", "both"]),
    ("labour", []),
])
def test_narrowed_by_need(need, expected):
    found = search(directory(record("shelter", area="national", needs=["shelter"]),
                             record("legal", area="national", needs=["legal"]),
                             record("both", area="national", needs=["shelter", "legal"])),
                   HOUSTON, need, "en", MONDAY_NOON)
    assert ids(found) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["english", "spanish", "bilingual"]),
    ("es", ["spanish", "bilingual", "english"]),
])
def test_spanish_speaking_services_first_in_spanish(lang, expected):
    found = search(directory(record("english", area={"state": "TX"}, languages=["en"]),
                             record("spanish", area={"state": "TX"}, languages=["es"]),
                             record("bilingual", area={"state": "TX"}, languages=["en", "es"])),
                   HOUSTON, None, lang, MONDAY_NOON)
    assert ids(found) == expected


@pytest.mark.parametrize("status", ["inactive", "defunct", "temporarily closed", "unverified"])
def test_only_active_services_are_ever_found(status):
    found = search(directory(record("hidden", status=status, location=near(1), area="national"),
                             record("shown", area="national")), HOUSTON, None, "en", MONDAY_NOON)
    assert ids(found) == ["shown"]


def test_a_county_line_replaces_the_states_call_your_county_record():
    fallback = record("ca fallback", phones=[], purpose="report_child", area={"state": "CA"},
                      name="call your county's child protective services, or 911")
    county = record("la county", purpose="report_child", area={"state": "CA", "counties": ["Los Angeles"]})
    found_la = search(directory(fallback, county), resolve("90012"), None, "en", MONDAY_NOON)
    found_sf = search(directory(fallback, county), resolve("94103"), None, "en", MONDAY_NOON)
    assert ids(found_la) == ["la county"]
    assert ids(found_sf) == ["ca fallback"]


def test_the_kept_query_is_small_and_holds_no_zip_code():
    query = Query.at(resolve("77002"), "shelter")
    kept = query.to_str()
    assert "77002" not in kept and len(kept.encode()) < 80
    again = Query.from_str(kept)
    assert again == query and again.place.latitude == 29.8  # rounded to about 7 miles
    assert Query.from_str(Query.at(Place("TX")).to_str()).place == Place("TX")


@pytest.mark.parametrize("garbage", ["", "[]", "not json", '["TX"]', None, b"\xff", "[1,2,3,4,5,6,\"x\"]"])
def test_a_kept_query_that_cannot_be_read_is_none(garbage):
    assert Query.from_str(garbage) is None
