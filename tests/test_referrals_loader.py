"""Loading <flows>/directory/: the shipped files load; every mistake is reported with file:line and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.flow import FlowError
from bot.referrals import directory_problems, load_directory
from bot.settings import REPO_FLOWS
from tests.referral_fixtures import record, write_flows

GOOD = """services:
  - id: bayou
    name: Bayou Shelter (fictional)
    status: active
    phones:
      - {number: 713-555-0101, type: voice}
    area: {state: TX}
    source: https://example.org/list
    verified: 2026-11-01
"""


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return [str(p) for p in directory_problems(write_flows(tmp_path, files))]


def test_the_shipped_directory_loads_without_problems():
    assert directory_problems(REPO_FLOWS) == []
    loaded = load_directory(REPO_FLOWS)
    assert len(loaded.services) == sum(1 for f in (REPO_FLOWS / "directory").glob("*.yaml")
                                       for line in f.read_text().splitlines() if line.startswith("  - id: "))


def test_flows_without_a_directory_have_none():
    assert load_directory(Path(__file__).parent) is None


@pytest.mark.parametrize(("change", "line", "says"), [
    ("    status: open\n", 3, 'status: "open" is not a status'),
    ("    phones:\n      - {number: 555-0100, type: voice}\n", 4, "phones.0.number"),
    ("    phones:\n      - {number: +44 20 7946 0000, type: voice}\n", 4, "another country (GB)"),
    ("    phones:\n      - {number: 713-555-0101, type: fax}\n", 4, 'type is "voice" (to call) or "text"'),
    ("    area: {state: Texass}\n", 3, "not a US state"),
    ("    area: {state: NV, counties: [Clerk County]}\n", 3, "did you mean clark"),
    ("    verified: last week\n", 3, "YYYY-MM-DD"),
    ("    needs: [food]\n", 3, '"food" is not one of the needs'),
    ("    purpose: gossip\n", 3, '"gossip" is not a purpose'),
    ("    colour: blue\n", 3, '"colour" is not a service field'),
    ("    hours: [{byday: MO, opens_at: '09:00', closes_at: '17:00'}]\n", 2, "time zone"),
])
def test_a_mistake_in_a_yaml_record_is_reported_at_its_line(tmp_path, change, line, says):
    key = change.split(":")[0] + ":"
    kept = [x for x in GOOD.splitlines(keepends=True)[2:]
            if not x.startswith(key) and not (key == "    phones:" and x.startswith("      - "))]
    text = "services:\n  - id: bayou\n" + change + "".join(kept)
    found = problems_of(tmp_path, {"local.yaml": text})
    assert len(found) == 1, found
    assert f"directory/local.yaml:{line}: error: service bayou: " in found[0] and says in found[0], found


def test_lines_point_at_the_field(tmp_path):
    text = GOOD.replace("713-555-0101", "555-0100")
    found = problems_of(tmp_path, {"local.yaml": text})
    assert len(found) == 1 and "directory/local.yaml:6: error: service bayou: phones.0.number:" in found[0]


def test_json_records_are_reported_at_their_line_too(tmp_path):
    services = [record("one", area="national"), record("two", area="national", status="maybe")]
    text = json.dumps({"services": services}, indent=1)
    found = problems_of(tmp_path, {"import.json": text})
    status_line = next(n for n, line in enumerate(text.splitlines(), 1) if '"maybe"' in line)
    assert len(found) == 1 and found[0].endswith(
        f'directory/import.json:{status_line}: error: service two: status: "maybe" is not a status: use one '
        "of active, inactive, defunct, temporarily closed, unverified.")


def test_broken_json_says_where(tmp_path):
    found = problems_of(tmp_path, {"import.json": '{"services": [\n  {"id": "x",}\n]}'})
    assert len(found) == 1 and "directory/import.json:2: error: this is not valid JSON" in found[0]


def test_an_id_used_twice_is_reported_with_both_places(tmp_path):
    found = problems_of(tmp_path, {"a.yaml": GOOD, "b.yaml": GOOD})
    assert len(found) == 1
    assert "directory/b.yaml:2: error: service bayou: id: the id \"bayou\" is used twice" in found[0]
    assert "directory/a.yaml:2); ids must be unique" in found[0]


def test_an_entry_too_long_to_text_is_reported(tmp_path):
    found = problems_of(tmp_path, {"a.yaml": GOOD.replace("Bayou Shelter (fictional)", "Bayou " * 80)})
    assert any("does not fit in a reply of 3 SMS segments" in p for p in found)


@pytest.mark.parametrize(("edit", "says"), [
    (("Help near {place}{need}:", "Help near {town}:"), "{town} cannot be filled in \"results\""),
    (("    es: \"(cerrado ahora)\"\n", ""), '"closed" has no es text'),
    (("radius_miles: 25", "radius_miles: far"), "radius_miles is the search radius"),
    (("    digit: 2\n", "    digit: 1\n"), 'already picks the need "shelter"'),
])
def test_mistakes_in_replies_yaml_are_reported(tmp_path, edit, says):
    flows = write_flows(tmp_path, {"a.yaml": GOOD})
    replies = flows / "directory" / "replies.yaml"
    replies.write_text(replies.read_text().replace(*edit, 1))
    found = [str(p) for p in directory_problems(flows)]
    assert any("directory/replies.yaml:" in p and says in p for p in found), found
    assert not any("a.yaml" in p for p in found)  # services are not blamed for the words' mistakes


def test_a_missing_replies_file_is_a_problem(tmp_path):
    flows = write_flows(tmp_path, {"a.yaml": GOOD})
    (flows / "directory" / "replies.yaml").unlink()
    with pytest.raises(FlowError, match=r"replies\.yaml is missing"):
        load_directory(flows)
