"""Opening hours, in the service's own time zone: weekly rows, RFC 5545 rules, overnight, validity, 24/7."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.referrals.hours import parse_hours

CHICAGO = ZoneInfo("America/Chicago")
WEEKDAYS_9_5 = [{"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}]


def at(text: str, zone: ZoneInfo = CHICAGO) -> int:
    """Epoch seconds of a local wall-clock time (2026-11-23 is a Monday)."""
    return int(datetime.fromisoformat(text).replace(tzinfo=zone).timestamp())


@pytest.mark.parametrize(("rules", "moment", "open_now"), [
    (WEEKDAYS_9_5, "2026-11-23 09:00", True),
    (WEEKDAYS_9_5, "2026-11-23 08:59", False),
    (WEEKDAYS_9_5, "2026-11-23 17:00", False),  # closes_at is the first closed minute
    (WEEKDAYS_9_5, "2026-11-22 12:00", False),  # Sunday
    ([{"byday": "FR", "opens_at": "20:00", "closes_at": "02:00"}], "2026-11-27 23:30", True),  # overnight
    ([{"byday": "FR", "opens_at": "20:00", "closes_at": "02:00"}], "2026-11-28 01:30", True),  # ... into Saturday
    ([{"byday": "FR", "opens_at": "20:00", "closes_at": "02:00"}], "2026-11-28 02:30", False),
    ([{"byday": "MO", "opens_at": "00:00", "closes_at": "24:00"}], "2026-11-23 23:59", True),
    ([{"byday": "MO", "opens_at": "00:00", "closes_at": "23:59"}], "2026-11-23 23:59", True),  # "until midnight"
    ([{"freq": "MONTHLY", "byday": "2MO", "opens_at": "10:00", "closes_at": "12:00"}], "2026-11-09 11:00", True),
    ([{"freq": "MONTHLY", "byday": "2MO", "opens_at": "10:00", "closes_at": "12:00"}], "2026-11-23 11:00", False),
    ([{"freq": "MONTHLY", "byday": "-1FR", "opens_at": "10:00", "closes_at": "12:00"}], "2026-11-27 11:00", True),
    ([{"freq": "MONTHLY", "bymonthday": "1,15", "opens_at": "10:00", "closes_at": "12:00"}], "2026-12-15 11:00",
     True),
    ([{"freq": "WEEKLY", "interval": 2, "dtstart": "2026-11-02", "byday": "MO", "opens_at": "09:00",
       "closes_at": "10:00"}], "2026-11-16 09:30", True),
    ([{"freq": "WEEKLY", "interval": 2, "dtstart": "2026-11-02", "byday": "MO", "opens_at": "09:00",
       "closes_at": "10:00"}], "2026-11-23 09:30", False),  # the off week
    ([{**WEEKDAYS_9_5[0], "valid_to": "2026-11-20"}], "2026-11-23 10:00", False),
    ([{**WEEKDAYS_9_5[0], "valid_from": "2026-12-01"}], "2026-11-23 10:00", False),
    ([{"freq": "WEEKLY", "byday": "MO", "count": 2, "dtstart": "2026-11-02", "opens_at": "09:00",
       "closes_at": "10:00"}], "2026-11-16 09:30", False),  # only two Mondays
])
def test_open_now_in_the_services_time_zone(rules, moment, open_now):
    hours, complaints = parse_hours(rules, "America/Chicago")
    assert complaints == []
    assert hours.open_at(at(moment)) is open_now


def test_the_same_instant_is_open_in_one_zone_and_closed_in_another():
    hours_ny, _ = parse_hours(WEEKDAYS_9_5, "America/New_York")
    hours_la, _ = parse_hours(WEEKDAYS_9_5, "America/Los_Angeles")
    instant = at("2026-11-23 10:00", ZoneInfo("America/Los_Angeles"))  # 13:00 in New York
    assert hours_ny.open_at(instant) and hours_la.open_at(instant)
    early = at("2026-11-23 07:00", ZoneInfo("America/Los_Angeles"))  # 10:00 in New York
    assert hours_ny.open_at(early) and not hours_la.open_at(early)


def test_daylight_saving_is_followed():
    hours, _ = parse_hours(WEEKDAYS_9_5, "America/Chicago")
    assert hours.open_at(at("2026-03-09 09:30"))  # the Monday after the spring change
    assert not hours.open_at(at("2026-03-09 08:30"))


def test_24_7_needs_no_time_zone():
    hours, complaints = parse_hours("24/7", None)
    assert complaints == [] and hours.open_at(0)


@pytest.mark.parametrize(("value", "timezone", "path", "says"), [
    ([{"byday": "XX", "opens_at": "09:00", "closes_at": "17:00"}], "America/Chicago", (0, "byday"), "not a day"),
    ([{"byday": "MO", "opens_at": "9", "closes_at": "17:00"}], "America/Chicago", (0, "opens_at"), "HH:MM"),
    ([{"byday": "MO", "opens_at": "09:00Z", "closes_at": "17:00"}], "America/Chicago", (0, "opens_at"),
     "no Z or UTC offset"),
    ([{"byday": "MO", "opens_at": "09:00"}], "America/Chicago", (0, "closes_at"), "when it closes"),
    ([{"opens_at": "09:00", "closes_at": "17:00"}], "America/Chicago", (0, "byday"), "which days"),
    ([{"byday": "MO", "interval": 2, "opens_at": "09:00", "closes_at": "17:00"}], "America/Chicago",
     (0, "dtstart"), "first day"),
    ([{"byday": "MO", "opens": "09:00", "opens_at": "09:00", "closes_at": "17:00"}], "America/Chicago",
     (0, "opens"), "not a schedule field"),
    (WEEKDAYS_9_5, None, ("timezone",), "time zone"),
    (WEEKDAYS_9_5, "Central", ("timezone",), "not a time zone name"),
    ("weekdays", "America/Chicago", (), "24/7"),
])
def test_bad_hours_say_what_to_write(value, timezone, path, says):
    hours, complaints = parse_hours(value, timezone)
    assert hours is None
    assert any(p == path and says in message for p, message in complaints), complaints
