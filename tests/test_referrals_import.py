"""Importing Open Referral HSDS: the spec's own examples, a 1.1 folder, fictional 3.0 JSON and CSV sets; the CLI."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.referrals import load_directory
from bot.referrals.hsds import import_source
from bot.settings import REPO_FLOWS
from tests.referral_fixtures import WORDS

HSDS = Path(__file__).parent / "fixtures" / "hsds"
TODAY = date(2026, 11, 23)


def run(*args: str):
    return CliRunner().invoke(main, ["referrals", *args])


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    """A copy of the shipped flows to import into."""
    return Path(shutil.copytree(REPO_FLOWS, tmp_path / "flows"))


def test_the_specs_3_0_csv_example_is_accounted_for():
    report = import_source(HSDS / "spec-3.0-csv", WORDS, TODAY)
    assert (report.read, len(report.records), report.rejected) == (1, 0, 1)
    text = "\n".join(report.lines)
    assert "phones.csv:2: phones.0.number: \"+44 1234 234567\" is a number in another country (GB)" in text
    assert "services.csv:2: service: rejected (Community Counselling)" in text
    assert "funding.csv: table: not read (the bot does not use funding)" in text


def test_the_specs_service_full_json_is_accounted_for():
    report = import_source(HSDS / "spec-3.0-service_full.json", WORDS, TODAY)
    assert (report.read, len(report.records), report.rejected) == (1, 0, 1)
    assert report.lines[-1].endswith("service_full.json:1: service: rejected (Community Counselling)")


def test_a_1_1_folder_accounts_for_every_row():
    report = import_source(HSDS / "v1.1-csv", WORDS, TODAY)
    assert (report.read, len(report.records), report.rejected) == (5, 3, 2)
    text = "\n".join(report.lines)
    for expected in [
        "phones.csv:8: service_id: no service with this id",  # an orphan row is not silently dropped
        "phones.csv:3: phones.1.type: \"fax\": the bot only gives numbers to call or text",
        "phones.csv:6: phones.0.number: \"(512) 555-01\" is not a valid US phone number",
        "services.csv:5: service: rejected (Made-Up Number Line (fictional))",
        "services.csv:6: service: rejected (Nowhere Line (fictional))",
        "regular_schedules.csv:5: schedules.3.weekday: \"8\" is not a weekday",
        "holiday_schedules.csv: table: not read",
        "locations.csv:3: location.0: no usable coordinates: placed at its ZIP code's centre",
    ]:
        assert expected in text
    by_id = {r["id"]: r for r in report.records}
    assert by_id["s-1"]["needs"] == ["shelter", "youth"] and by_id["s-1"]["languages"] == ["en", "es"]
    assert by_id["s-2"]["hours"] == [{"byday": "MO", "closes_at": "17:00", "opens_at": "09:00"},
                                     {"byday": "WE", "closes_at": "17:00", "opens_at": "09:00"},
                                     {"byday": "FR", "closes_at": "12:00", "opens_at": "09:00"}]
    assert by_id["s-2"]["area"] == {"state": "TX", "counties": ["Travis"]}
    assert by_id["s-3"]["status"] == "defunct"


# Every field the bot uses, as the fictional sets say it (the JSON and the CSV set hold the same services).
EXPECTED = {
    "f-shelter": {"name": "Bayou Shelter (fictional)", "status": "active", "organization": "Example Houston Org",
                  "phones": [{"number": "+17135550101", "type": "voice"}, {"number": "+17135550102", "type": "text"}],
                  "needs": ["shelter"], "languages": ["en", "es"],
                  "location": {"latitude": 29.76, "longitude": -95.37}, "timezone": "America/Chicago",
                  "hours": [{"byday": "MO,TU,WE,TH,FR", "closes_at": "17:00", "freq": "WEEKLY", "opens_at": "09:00"}],
                  "verified": "2026-10-01"},
    "f-legal": {"name": "Harbor Legal Aid (fictional)", "status": "active",
                "phones": [{"number": "+17135550103", "type": "voice", "press": "2"}], "needs": ["legal"],
                "languages": ["es"], "area": {"state": "TX", "counties": ["Harris"]}, "timezone": "America/Chicago",
                "hours": [{"byday": "1SA", "closes_at": "14:00:00", "freq": "MONTHLY", "opens_at": "10:00:00"}],
                "verified": "2026-09-15"},
    "f-closed": {"name": "Closed Clinic (fictional)", "status": "inactive",
                 "phones": [{"number": "+17135550104", "type": "voice"}], "area": {"state": "TX"},
                 "verified": "2026-08-01"},
    "f-youth": {"name": "Lone Star Youth Line (fictional)", "status": "active",
                "phones": [{"number": "+15125550106", "type": "voice"}], "needs": ["youth"], "area": {"state": "TX"},
                "timezone": "America/Chicago", "verified": "2026-07-04",
                "hours": [{"byday": "MO,TU,WE,TH,FR,SA,SU", "closes_at": "24:00", "freq": "WEEKLY",
                           "opens_at": "00:00"}]},
    "f-work": {"name": "Nationwide Work Line (fictional)", "status": "active",
               "phones": [{"number": "+12025550107", "type": "voice"}, {"number": "+12025550108", "type": "voice"}],
               "needs": ["labour"], "area": "national", "verified": "2026-06-30"},
}


@pytest.mark.parametrize("source", ["fictional-3.0.json", "fictional-3.0-csv"])
def test_a_fictional_set_round_trips_every_field_the_bot_uses(source, flows):
    result = run("import", str(HSDS / source), "--name", "fictional", "--flows", str(flows))
    assert result.exit_code == 0, result.output
    written = json.loads((flows / "directory" / "fictional.json").read_text())
    records = {r.pop("id"): r for r in written["services"]}
    for r in records.values():
        assert r.pop("source") == str(HSDS / source)
    assert records == EXPECTED
    loaded = {s.id: s for s in load_directory(flows).services}
    assert loaded["f-legal"].phones[0].press == "2" and loaded["f-legal"].area.counties == {"harris"}
    assert loaded["f-shelter"].hours is not None and not loaded["f-closed"].shown
    assert "f-fax" not in loaded


def test_the_cli_reports_each_problem_and_ends_with_one_summary(flows):
    result = run("import", str(HSDS / "fictional-3.0.json"), "--name", "fictional", "--flows", str(flows))
    lines = result.output.strip().splitlines()
    assert re.match(r".*fictional-3\.0\.json:\d+: phones\.0\.type: \"fax\": the bot only gives numbers", lines[2])
    assert lines[-1] == (f"read 6 records from {HSDS / 'fictional-3.0.json'}: imported 5 services into "
                         f"{flows / 'directory' / 'fictional.json'} (1 not active, never shown), rejected 1")


def test_nothing_imported_exits_1_and_writes_nothing(flows):
    result = run("import", str(HSDS / "spec-3.0-csv"), "--name", "spec", "--flows", str(flows))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].endswith("imported 0 services, rejected 1")
    assert not (flows / "directory" / "spec.json").exists()


@pytest.mark.parametrize("args", [
    ["import", "no/such/folder", "--name", "x"],
    ["import", str(HSDS / "v1.1-csv"), "--name", "Bad Name!"],
    ["import", str(HSDS / "v1.1-csv"), "--name", "replies"],
    ["import", str(HSDS / "v1.1-csv"), "--name", "national"],  # a hand-kept file
    ["import", str(HSDS / "v1.1-csv")],
    ["find", "77002", "--need", "pizza"],
    ["find", "77002", "--lang", "fr"],
])
def test_bad_usage_exits_2(args, flows):
    assert run(*args, "--flows", str(flows)).exit_code == 2


def test_find_prints_what_a_texter_receives_page_by_page(flows):
    result = run("find", "Houston,", "TX", "--at", "2026-11-23T12:00-06:00", "--flows", str(flows))
    assert result.exit_code == 0
    first, *rest = result.output.split("\n> MORE\n")
    assert first.startswith("In danger? Call 911. Help for Houston, TX (no local listing yet):")
    assert "call 1-800-252-5400" in first and rest


def test_find_narrows_to_a_need_in_spanish(flows):
    result = run("find", "77002", "--need", "refugio", "--lang", "es", "--flows", str(flows))
    assert result.exit_code == 0 and result.output.startswith("Peligro: llama al 911. Ayuda para Houston, TX - Refugio")


def test_find_an_unknown_place_prints_the_unknown_reply_and_exits_1(flows):
    result = run("find", "99999", "--flows", str(flows))
    assert result.exit_code == 1 and result.output.startswith("We could not find that place.")


def test_find_with_a_broken_directory_lists_the_problems(flows):
    (flows / "directory" / "broken.yaml").write_text("services: [\n")
    result = run("find", "77002", "--flows", str(flows))
    assert result.exit_code == 1 and "broken.yaml:" in result.output
