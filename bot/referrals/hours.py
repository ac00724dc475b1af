"""Opening hours: HSDS schedules (RFC 5545 fields, or the older weekday rows) read in the service's time zone.

A directory record says `hours: 24/7`, or lists rules such as
`{byday: "MO,TU,WE,TH,FR", opens_at: "08:00", closes_at: "17:00"}` with the service's `timezone`.
The common weekly rule is answered from a set of weekdays; anything richer (MONTHLY "2MO", an
interval, a count) is handed to python-dateutil's rrule, the RFC 5545 implementation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule

ALWAYS = "24/7"
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = {"DAILY": rrule.DAILY, "WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY, "YEARLY": rrule.YEARLY}
RULE_FIELDS = frozenset({"freq", "interval", "byday", "bymonthday", "byweekno", "byyearday", "dtstart", "until",
                         "count", "wkst", "valid_from", "valid_to", "opens_at", "closes_at", "description", "notes"})
END_OF_DAY = 24 * 60
_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?$")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)

Complaint = tuple[tuple[str | int, ...], str]  # (path inside the hours, what is wrong)


@dataclass(frozen=True)
class Rule:
    """One schedule row: the days it covers and the minutes (local) it opens and closes."""

    opens: int  # minutes after midnight
    closes: int  # minutes after midnight; not after `opens` means the next day
    weekdays: frozenset[int] | None = None  # Monday = 0; None: ask `recurrence`
    recurrence: Mapping[str, object] | None = None  # rrule keyword arguments (without dtstart when anchored)
    dtstart: date | None = None
    until: date | None = None
    anchored: bool = False  # True: occurrences do not depend on dtstart, so the rule is anchored near the day
    valid_from: date | None = None
    valid_to: date | None = None

    def occurs(self, day: date) -> bool:
        """True when the service opens under this rule on `day`."""
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return False
        if (self.dtstart and day < self.dtstart) or (self.until and day > self.until):
            return False
        if self.weekdays is not None:
            return day.weekday() in self.weekdays
        midnight = datetime(day.year, day.month, day.day)
        start = _anchor(day, self.recurrence["freq"]) if self.anchored else self.dtstart or day
        found = rrule.rrule(dtstart=datetime(start.year, start.month, start.day), cache=False,
                            **self.recurrence).after(midnight, inc=True)  # type: ignore[arg-type]
        return found == midnight


def _anchor(day: date, freq: object) -> date:
    """A start for a rule with interval 1 and no count: the first day of `day`'s period."""
    if freq == rrule.MONTHLY:
        return day.replace(day=1)
    if freq == rrule.YEARLY:
        return day.replace(month=1, day=1)
    return day - timedelta(days=day.weekday()) if freq == rrule.WEEKLY else day


@dataclass(frozen=True)
class Hours:
    """When a service answers, in its own time zone."""

    timezone: ZoneInfo
    rules: tuple[Rule, ...] = ()
    always: bool = False

    def open_at(self, now: int) -> bool:
        """True when the service is open at `now` (epoch seconds)."""
        if self.always:
            return True
        local = datetime.fromtimestamp(now, self.timezone)
        minute, today = local.hour * 60 + local.minute, local.date()
        for rule in self.rules:
            overnight = rule.closes <= rule.opens
            if rule.opens <= minute < (END_OF_DAY if overnight else rule.closes) and rule.occurs(today):
                return True
            if overnight and minute < rule.closes and rule.occurs(today - timedelta(days=1)):
                return True
        return False


def parse_hours(value: object, timezone: object) -> tuple[Hours | None, list[Complaint]]:
    """The hours a record gives (`24/7` or a list of rules) in `timezone`, or what is wrong with them."""
    if value is None:
        return None, []
    if value == ALWAYS:  # no time zone needed
        return Hours(ZoneInfo("UTC"), always=True), []
    zone, complaints = _zone(timezone)
    if not isinstance(value, list) or not value:
        return None, [((), f'write "{ALWAYS}" or a list of rules such as '
                           '{byday: "MO,TU,WE,TH,FR", opens_at: "08:00", closes_at: "17:00"}')]
    rules = []
    for index, raw in enumerate(value):
        rule, found = parse_rule(raw)
        complaints += [((index, *path), message) for path, message in found]
        if rule is not None:
            rules.append(rule)
    if complaints or zone is None:
        return None, complaints
    return Hours(zone, tuple(rules)), []


def _zone(name: object) -> tuple[ZoneInfo | None, list[Complaint]]:
    if name is None:
        return None, [(("timezone",), 'say the service\'s time zone, e.g. timezone: "America/Chicago"')]
    try:
        return ZoneInfo(str(name)), []
    except (ZoneInfoNotFoundError, ValueError):
        return None, [(("timezone",), f'"{name}" is not a time zone name; use one like "America/New_York"')]


def parse_rule(raw: object) -> tuple[Rule | None, list[Complaint]]:
    """One schedule rule with HSDS field names, or what is wrong with it."""
    if isinstance(raw, Mapping):
        try:
            rule, complaints = _parse_rule_cached(tuple(sorted(raw.items())))
            return rule, list(complaints)
        except TypeError:  # an unhashable value (a list where a text belongs): no cache, same answer
            pass
    return _parse_rule(raw)


@lru_cache(maxsize=4096)
def _parse_rule_cached(items: tuple) -> tuple[Rule | None, tuple[Complaint, ...]]:
    """Directories repeat the same few schedules ("MO-FR 9-5") thousands of times: read each once."""
    rule, complaints = _parse_rule(dict(items))
    return rule, tuple(complaints)


def _parse_rule(raw: object) -> tuple[Rule | None, list[Complaint]]:
    if not isinstance(raw, Mapping):
        return None, [((), "each rule is a set of fields such as byday, opens_at, closes_at")]
    problems: list[Complaint] = [((key,), f'"{key}" is not a schedule field (use {", ".join(sorted(RULE_FIELDS))})')
                                 for key in raw if key not in RULE_FIELDS]
    opens, closes = (_minutes(raw, key, problems) for key in ("opens_at", "closes_at"))
    freq = str(raw.get("freq") or "WEEKLY").upper()
    if freq not in FREQS:
        problems.append((("freq",), f'"{freq}" is not a frequency: use {", ".join(FREQS)}'))
    days = _byday(raw.get("byday"), problems)
    interval, count = _int(raw, "interval", problems), _int(raw, "count", problems)
    numbers = {key: _ints(raw, key, problems) for key in ("bymonthday", "byweekno", "byyearday")}
    dates = {key: _date(raw, key, problems) for key in ("dtstart", "until", "valid_from", "valid_to")}
    wkst = str(raw.get("wkst") or "MO").upper()
    if wkst not in DAY_CODES:
        problems.append((("wkst",), f'"{wkst}" is not a day: use one of {", ".join(DAY_CODES)}'))
    if (interval or 1) > 1 or count:
        if dates["dtstart"] is None:
            problems.append((("dtstart",), "give the date of the first day (dtstart) when using interval or count"))
    elif freq == "WEEKLY" and not days and dates["dtstart"] is None:
        problems.append((("byday",), 'say which days, e.g. byday: "MO,TU,WE,TH,FR"'))
    if problems or opens is None or closes is None:
        return None, problems
    plain = freq == "WEEKLY" and (interval or 1) == 1 and not count and not any(numbers.values()) \
        and days and all(n is None for n, _ in days) and dates["dtstart"] is None
    common = {"opens": opens, "closes": closes, "valid_from": dates["valid_from"], "valid_to": dates["valid_to"],
              "until": dates["until"]}
    if plain:
        return Rule(weekdays=frozenset(DAY_CODES.index(code) for _, code in days), **common), []
    recurrence: dict[str, object] = {"freq": FREQS[freq], "interval": interval or 1, "wkst": DAY_CODES.index(wkst)}
    if days:
        recurrence["byweekday"] = [_WEEKDAYS[DAY_CODES.index(c)](n) if n else _WEEKDAYS[DAY_CODES.index(c)]
                                   for n, c in days]
    recurrence.update({key: value for key, value in numbers.items() if value})
    if count:
        recurrence["count"] = count
    anchored = (interval or 1) == 1 and not count and bool(days or any(numbers.values()) or freq == "DAILY")
    return Rule(recurrence=recurrence, dtstart=dates["dtstart"], anchored=anchored, **common), []


def _minutes(raw: Mapping, key: str, problems: list[Complaint]) -> int | None:
    value = raw.get(key)
    if value is None:
        problems.append(((key,), f'say when it {"opens" if key == "opens_at" else "closes"}, e.g. "09:00"'))
        return None
    match = _TIME.match(str(value).strip())
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        problems.append(((key,), f'"{value}" is not a time: write it as HH:MM in the service\'s time zone, '
                                 'e.g. "17:30" (no Z or UTC offset)'))
        return None
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if key == "closes_at" and minutes in (0, END_OF_DAY - 1):
        return END_OF_DAY  # "until midnight" is written 00:00, 23:59 or 24:00
    return minutes


def _byday(value: object, problems: list[Complaint]) -> list[tuple[int | None, str]]:
    if value in (None, ""):
        return []
    days = []
    for part in str(value).replace(" ", "").upper().split(","):
        match = _BYDAY.match(part)
        if not match:
            problems.append((("byday",), f'"{part}" is not a day: use MO, TU, WE, TH, FR, SA, SU (or 2MO, -1FR '
                                         "for a monthly rule), separated by commas"))
            continue
        days.append((int(match.group(1)) if match.group(1) else None, match.group(2)))
    return days


def _int(raw: Mapping, key: str, problems: list[Complaint]) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number < 1:
        problems.append(((key,), f'"{value}" is not a whole number of 1 or more'))
        return None
    return number


def _ints(raw: Mapping, key: str, problems: list[Complaint]) -> tuple[int, ...]:
    value = raw.get(key)
    if value in (None, ""):
        return ()
    try:
        return tuple(int(part) for part in str(value).replace(" ", "").split(","))
    except ValueError:
        problems.append(((key,), f'"{value}" is not a list of whole numbers separated by commas'))
        return ()


def _date(raw: Mapping, key: str, problems: list[Complaint]) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append(((key,), f'"{value}" is not a date: write it as YYYY-MM-DD'))
        return None
