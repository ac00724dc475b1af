"""One page of results as one SMS: at most 3 segments, every result on exactly one page, tappable numbers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import zipcodes

from bot.flow.model import LANGUAGES
from bot.referrals import load_directory, page, resolve
from bot.referrals.places import by_zip
from bot.referrals.search import Query, search
from bot.settings import REPO_FLOWS
from bot.text import segments
from tests.referral_fixtures import WORDS, directory, near, record

SHIPPED = load_directory(REPO_FLOWS)
MONDAY_NOON = int(datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("America/Chicago")).timestamp())
SUNDAY_NOON = int(datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("America/Chicago")).timestamp())
NEEDS = [None, *(n.key for n in WORDS.needs)]


def pages(dir_, query: Query, lang: str, now: int) -> list[str]:
    """Every page a texter gets by sending MORE until there is no more."""
    texts = []
    while True:
        reply = page(dir_, query, lang, now)
        texts.append(reply.text)
        if reply.last:
            return texts
        query = reply.next


def _one_zip_per_county_record() -> list[str]:
    """A ZIP code in every county a shipped record names (Nevada's, Hawaii's, the county lines)."""
    wanted = {(s.area.state, c) for s in SHIPPED.services if s.area and s.area.counties for c in s.area.counties}
    found = {}
    for row in zipcodes.list_all():
        place = by_zip(row["zip_code"])
        if place and (place.state, place.county) in wanted:
            found.setdefault((place.state, place.county), row["zip_code"])
    assert set(found) == wanted
    return sorted(found.values())


STATES = sorted({s.area.state for s in SHIPPED.services if s.area and s.area.state})
PLACES = STATES + _one_zip_per_county_record() + ["77002", "Houston, TX", "00901", "58501", "57501"]


@pytest.mark.parametrize("place", PLACES)
def test_every_shipped_page_fits_in_three_segments_and_lists_every_result_once(place):
    for lang in LANGUAGES:
        for need in NEEDS:
            for now in (MONDAY_NOON, SUNDAY_NOON):
                query = Query.at(resolve(place), need)
                results = search(SHIPPED, query.place, need, lang, now)
                texts = pages(SHIPPED, query, lang, now)
                for text in texts:
                    assert segments(text).count <= 3, (place, lang, need, text)
                    assert "..." not in text, f"an entry had to be shortened: {text}"
                listed = "\n".join(texts)
                for result in results:
                    assert listed.count(f"- {_start(result, lang)}") >= 1, (place, lang, need, result.service.id)
                assert len(texts) == 1 or "MORE" in texts[0] or "MAS" in texts[0]


def _start(result, lang: str) -> str:
    purpose = result.service.purpose
    return (WORDS.purposes[purpose].get(lang) + ": ") if purpose else result.service.name.get(lang)


def test_a_closed_service_is_marked_and_the_24_7_lines_are_pointed_to():
    weekdays = {"timezone": "America/Chicago", "hours": [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00",
                                                          "closes_at": "17:00"}]}
    dir_ = directory(record("Office", location=near(1), **weekdays))
    sunday = page(dir_, Query.at(resolve("77002")), "en", SUNDAY_NOON).text
    monday = page(dir_, Query.at(resolve("77002")), "en", MONDAY_NOON).text
    assert "Office (fictional): call 1-713-555-0100 (closed now)" in sunday
    assert "Closed now? Call 1-888-373-7888 or text 233733, 24/7." in sunday
    assert "closed" not in monday.lower()


def test_north_dakotas_weekday_line_is_closed_on_sunday():
    text = page(SHIPPED, Query.at(resolve("58501")), "en", SUNDAY_NOON).text
    assert "1-833-958-3500 (closed now)" in text and "24/7" in text


@pytest.mark.parametrize(("lang", "says"), [
    ("en", ["call 1-713-555-0100 or text 233733", "call or text 1-713-555-0101", "call 1-713-555-0102, press 4",
            "text HOME to 741741"]),
    ("es", ["llama al 1-713-555-0100 o manda texto al 233733", "llama o manda texto al 1-713-555-0101",
            "llama al 1-713-555-0102 y marca 4", "manda AYUDA al 741741"]),
])
def test_numbers_are_written_for_tapping(lang, says):
    dir_ = directory(
        record("A", area="national", phones=[{"number": "(713) 555-0100", "type": "voice"},
                                             {"number": "233733", "type": "text"}]),
        record("B", area="national", phones=[{"number": "+17135550101", "type": "voice"},
                                             {"number": "713.555.0101", "type": "text"}]),
        record("C", area="national", phones=[{"number": "713 555 0102", "type": "voice", "press": 4}]),
        record("D", area="national", phones=[
            {"number": "741741", "type": "text", "keyword": "HOME", "languages": ["en"]},
            {"number": "741741", "type": "text", "keyword": "AYUDA", "languages": ["es"]}]),
    )
    text = "\n".join(pages(dir_, Query.at(resolve("TX")), lang, MONDAY_NOON))
    for phrase in says:
        assert phrase in text
    assert ("HOME" in text) is (lang == "en")


def test_more_pages_through_and_the_last_page_has_no_more_hint():
    dir_ = directory(*(record(f"Line {n}", area="national") for n in range(12)))
    texts = pages(dir_, Query.at(resolve("TX")), "en", MONDAY_NOON)
    assert len(texts) > 1
    assert all("Reply MORE for more." in t for t in texts[:-1]) and "MORE" not in texts[-1]
    assert "Narrow it:" in texts[0] and all("Narrow it:" not in t for t in texts[1:])
    assert sum(t.count("\n- ") for t in texts) == 12


def test_no_local_listing_says_so_and_nothing_at_all_points_to_the_hotline():
    dir_ = directory(record("Far away", area={"state": "OR"}))
    text = page(dir_, Query.at(resolve("77002"), "legal"), "en", MONDAY_NOON)
    assert text.last and "Nothing listed near Houston, TX - Legal/immigration" in text.text
    assert "1-888-373-7888" in text.text
    state_only = page(directory(record("State line", area={"state": "TX"})), Query.at(resolve("77002")), "en",
                      MONDAY_NOON).text
    assert state_only.startswith("In danger? Call 911. Help for Houston, TX (no local listing yet):")


def test_a_page_past_the_end_says_that_is_all():
    dir_ = directory(record("Only", area="national"))
    query = Query.at(resolve("TX"))
    done = page(dir_, Query(query.place, None, 5), "en", MONDAY_NOON)
    assert done.last and done.text.startswith("That is all we list for Texas.")


def test_a_state_without_a_statewide_line_says_call_your_county_or_911():
    for lang, words in (("en", "call your county's child protective services (no statewide number), or 911"),
                        ("es", "llama a los servicios para menores (CPS) de tu condado, o al 911")):
        text = page(SHIPPED, Query.at(resolve("35203")), lang, MONDAY_NOON).text  # Birmingham, AL
        assert words in text
