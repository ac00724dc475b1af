"""The shipped directory keeps the sourcing rules: sourced numbers only, honest wording, re-verify rows held."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from bot.referrals import load_directory, page, resolve
from bot.referrals.search import Query
from bot.settings import REPO_FLOWS

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
SHIPPED = load_directory(REPO_FLOWS)
SERVICES = {s.id: s for s in SHIPPED.services}
NO_STATEWIDE_LINE = ("AL", "CA", "MN", "NC", "WI", "WY")


def _reference(name: str) -> str:
    path = REFERENCE / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI must check the directory against the sourced facts")
        pytest.skip(f"shared/reference/{name} is not beside this checkout")
    return path.read_text(encoding="utf-8")


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", m)[-10:] for m in re.findall(r"\+?1?[\s(.-]*\d{3}[\s).-]*\d{3}[\s.-]*\d{4}", text)}


def test_every_number_is_a_sourced_fact_or_a_high_or_medium_csv_row():
    facts = _reference("hotline-facts.md")
    rows = list(csv.DictReader(_reference("state-resources.csv").splitlines()))
    allowed = _digits(facts) | {d for r in rows if r["confidence"] in ("high", "medium")
                                for d in _digits(r["phone"] + " " + r["text"] + " " + r["notes"])}
    short = set(re.findall(r"\b\d{3,6}\b", facts)) | {"847411"}  # VA's text tip line (CSV, high)
    for service in SHIPPED.services:
        for phone in service.phones:
            number = phone.number[-10:] if phone.number.startswith("+1") else phone.number
            assert number in (allowed if len(number) == 10 else short), (service.id, phone.number)


def test_no_low_confidence_or_coalition_row_is_here():
    rows = list(csv.DictReader(_reference("state-resources.csv").splitlines()))
    banned = {d for r in rows if r["confidence"] == "low" or r["kind"] == "coalition" for d in _digits(r["phone"])}
    shipped = {p.number[-10:] for s in SHIPPED.services for p in s.phones}
    assert shipped & banned == set()


def test_rows_whose_notes_say_re_verify_are_held_back():
    rows = list(csv.DictReader(_reference("state-resources.csv").splitlines()))
    held = {_digits(r["phone"]).pop() for r in rows if "re-verify" in r["notes"] and r["phone"]}
    assert held  # IA, MD, PR, WV, GA's trafficking line
    for service in SHIPPED.services:
        if any(p.number[-10:] in held for p in service.phones):
            assert service.status == "unverified" and not service.shown, service.id


def test_every_record_carries_its_source_and_when_it_was_checked():
    for service in SHIPPED.services:
        assert service.source.startswith(("https://", "http://")), service.id
        assert service.verified.year >= 2026


@pytest.mark.parametrize("state", NO_STATEWIDE_LINE)
def test_states_without_a_statewide_line_say_call_your_county_or_911(state):
    fallback = [s for s in SHIPPED.by_state[state] if s.purpose == "report_child"]
    assert len(fallback) == 1 and fallback[0].phones == () and "911" in fallback[0].name.en


@pytest.mark.parametrize(("zip_code", "number"), [
    ("89101", "+17023990081"),  # Las Vegas: Clark County
    ("89501", "+18339007233"),  # Reno: Washoe County
    ("89801", "+18335711041"),  # Elko: rural, business hours
    ("89801", "+18338031183"),  # Elko: rural, after hours
])
def test_nevadas_regional_lines_follow_the_county(zip_code, number):
    text = page(SHIPPED, Query.at(resolve(zip_code)), "en", 0).text
    assert f"1-{number[2:5]}-{number[5:8]}-{number[8:]}" in text
    others = {"+17023990081", "+18339007233", "+18335711041", "+18338031183"} - {number}
    if zip_code != "89801":
        assert not any(f"{n[5:8]}-{n[8:]}" in text for n in others)


@pytest.mark.parametrize("state", ["ND", "SD"])
def test_dakota_lines_are_weekday_only(state):
    line = next(s for s in SHIPPED.by_state[state] if s.purpose == "report_child")
    assert line.hours is not None and not line.hours.always
    assert {d for rule in line.hours.rules for d in rule.weekdays} == {0, 1, 2, 3, 4}


def test_state_trafficking_tip_lines_are_worded_as_police_lines():
    tips = [s for s in SHIPPED.services if s.purpose == "police_tip"]
    assert {s.area.state for s in tips} >= {"AZ", "FL", "NJ", "OH", "OK", "TN", "VA"}
    assert "police" in SHIPPED.words.purposes["police_tip"].en.lower()


def test_childhelp_is_never_called_a_reporting_line():
    childhelp = SERVICES["national-childhelp"]
    assert childhelp.purpose is None and "not for reports" in childhelp.name.en
