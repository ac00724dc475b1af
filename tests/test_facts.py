"""The facts registry (flows/facts.yaml): every number, short code, keyword and web address the bot sends is a
fact with a source, and a typo in any of them fails `flows check` naming the file and the line."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import main
from bot.fallback import STATIC_REPLY
from bot.flow import check_flows, load_flows
from bot.flow.fact_check import find, unknown
from bot.flow.facts import FACTS_FILE, PHONE, SHORT_CODE, WEB, Fact, Registry, load_registry, stale_problems
from bot.flow.loader import flow_files
from bot.flow.problems import ERROR, WARNING
from bot.referrals import phones
from bot.settings import REPO_FLOWS
from tests.referral_fixtures import record

SHIPPED, _ = load_registry(REPO_FLOWS)
SHIPPED_FLOWS = load_flows(REPO_FLOWS)
TODAY = date(2026, 11, 23)


@pytest.fixture
def flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped flows, as "flows" in the current directory (so messages say flows/menu.yaml)."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO_FLOWS, tmp_path / "flows")
    return Path("flows")


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in `path` with `new`; the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def shown(problem) -> str:
    """file:line: message (whatever else `flows check` adds to a line, such as the level)."""
    return f"{problem.source}: {problem.message}" if problem.source else problem.message


def errors(folder: Path) -> list[str]:
    return [shown(p) for p in check_flows(folder)[1] if p.level == ERROR]


def registry_of(tmp_path: Path, entries: str) -> tuple[Registry | None, list[str]]:
    (tmp_path / FACTS_FILE).write_text("facts:\n" + textwrap.indent(textwrap.dedent(entries), "  "), encoding="utf-8")
    registry, problems = load_registry(tmp_path)
    return registry, [shown(p) for p in problems]


# --- every written form of a number is the same fact ---

@pytest.mark.parametrize("written", [
    "1-888-373-7888", "(888) 373-7888", "888.373.7888", "+1 888 373 7888", "888 373 7888", "1 (888) 373-7888",
    "18883737888", "+18883737888", "1.888.373.7888",
])
def test_every_written_form_of_a_registered_number_is_that_fact(written):
    found = find(f"Call {written} now.")
    assert [(f.kind, f.value) for f in found] == [(PHONE, "+18883737888")]
    assert unknown(found[0], SHIPPED) is None


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("NCMEC at 1-800-THE-LOST.", PHONE, "+18008435678"),  # letters: the same number as 1-800-843-5678
    ("Chat at humantraffickinghotline.org.", WEB, "humantraffickinghotline.org"),
    ("Chat at https://www.HumanTraffickingHotline.org/", WEB, "humantraffickinghotline.org"),
    ("Call or text 988.", SHORT_CODE, "988"),
    ("TTY: dial 711", SHORT_CODE, "711"),
    ("llama al 911", SHORT_CODE, "911"),
])
def test_other_written_forms_of_facts(text, kind, value):
    found = find(text)
    assert [(f.kind, f.value) for f in found] == [(kind, value)]
    assert unknown(found[0], SHIPPED) is None


@pytest.mark.parametrize(("text", "found"), [
    ("text HOME to 741741", [("741741", "HOME", True)]),
    ("manda AYUDA al 988", [("988", "AYUDA", True)]),
    ("¿Peligro? 911.", [("911", None, False)]),  # no "call" before it: a near miss of 911 still counts
    ("in 200+ languages, 24/7, ages 12-21, 50% off", []),  # amounts, hours and ages are not numbers to dial
    ("Reply 8 for more. MENU or 0: the menu.", []),
    ("since 2025", [("2025", None, False)]),
    ("Chat at 1800runaway.org", []),  # the digits of an address are not a short code
])
def test_short_numbers_and_their_keywords(text, found):
    assert [(f.value, f.keyword, f.dialled) for f in find(text) if f.kind == SHORT_CODE] == found


@pytest.mark.parametrize(("text", "sent"), [
    ("since 2025", True),  # a year: not a number to dial, and no short code is one typo from it
    ("¿Peligro? 912.", False),  # one digit from 911
    ("¿Peligro? 119.", True),  # two changes from 911: not taken for a typo of it
])
def test_a_bare_short_number_is_an_error_only_when_it_is_a_near_miss(text, sent):
    (found,) = [f for f in find(text) if f.kind == SHORT_CODE]
    assert (unknown(found, SHIPPED) is None) == sent


@pytest.mark.parametrize("text", ["Since 2026-11-01.", "Closed on 12-25-2026.", "Open 9-17, 24/7.", "Reply 1, 2 or 3."])
def test_dates_hours_and_menu_digits_are_not_numbers(text):
    assert find(text) == []


# --- an unregistered value fails, naming file, line and the nearest fact ---

MENU_CASES = [
    ("call 1-888-373-7888 or text 233733", "call 1-888-373-7889 or text 233733",
     "the phone number 1-888-373-7889 is not in flows/facts.yaml: did you mean 1-888-373-7888?"),
    ("call 1-888-373-7888 or text 233733", "call (888) 373-7898 or text 233733",
     "the phone number (888) 373-7898 is not in flows/facts.yaml: did you mean 1-888-373-7888?"),
    ("call 1-888-373-7888 or text 233733", "call 1-888-373-788 or text 233733",
     "the phone number 1-888-373-788 is not in flows/facts.yaml: did you mean 1-888-373-7888?"),
    ("call 1-888-373-7888 or text 233733", "call 1-888-373-7888 or text 233737",
     "the short code 233737 is not in flows/facts.yaml: did you mean 233733?"),
    ("NCMEC at 1-800-THE-LOST", "NCMEC at 1-800-THE-LOSS",
     "the phone number 1-800-THE-LOSS is not in flows/facts.yaml: did you mean 1-800-843-5678?"),
    ("sexually exploited online: report.cybertip.org", "sexually exploited online: report.cybertips.org",
     "the web address report.cybertips.org is not in flows/facts.yaml: did you mean report.cybertip.org?"),
    ("Crisis Text Line: text HOME to 741741", "Crisis Text Line: text HOLE to 741741",
     "HOLE is not a keyword flows/facts.yaml holds for 741741 (it holds AYUDA, HOME): did you mean HOME?"),
    ("call 1-888-373-7888 or text 233733", "call 1-888-373-7888 or text INFO to 233733",
     '"INFO to 233733": INFO is not a keyword flows/facts.yaml holds for 233733 (it holds none'),
    ("TTY: dial 711", "TTY: dial 712", "the short code 712 is not in flows/facts.yaml: did you mean 711?"),
    ("Sexual assault (RAINN): 1-800-656-4673", "Sexual assault (RAINN): 1-212-555-0199",
     "the phone number 1-212-555-0199 is not in flows/facts.yaml. Check it against its source"),  # nothing near
]


@pytest.mark.parametrize(("old", "new", "says"), MENU_CASES)
def test_an_unregistered_value_in_a_flow_text_fails_at_its_line(flows, old, new, says):
    line = edit(flows / "menu.yaml", old, new)
    assert any(e.startswith(f"flows/menu.yaml:{line}: ") and says in e for e in errors(flows)), errors(flows)


def test_the_quoted_case_fails_flows_check(flows):
    """The issue's own example: 1-888-373-7889 in the menu passed every check before."""
    line = edit(flows / "menu.yaml", "call 1-888-373-7888 or text 233733", "call 1-888-373-7889 or text 233733")
    result = CliRunner().invoke(main, ["flows", "check", str(flows)])
    assert result.exit_code == 1
    says = "the phone number 1-888-373-7889 is not in flows/facts.yaml: did you mean 1-888-373-7888?"
    assert any(row.startswith(f"flows/menu.yaml:{line}: ") and says in row for row in result.output.splitlines())


def test_a_reprompt_and_the_spanish_text_are_checked_too(flows):
    menu = flows / "menu.yaml"
    reprompt = edit(menu, "Reply with a number from 1 to 7.", "Reply with a number, or call 1-888-373-7880.")
    spanish = edit(menu, "llama al 1-888-373-7888 o manda un texto", "llama al 1-888-373-7887 o manda un texto")
    found = errors(flows)
    assert any(e.startswith(f"flows/menu.yaml:{reprompt}: the phone number 1-888-373-7880") for e in found), found
    assert any(e.startswith(f"flows/menu.yaml:{spanish}: the phone number 1-888-373-7887") for e in found), found


def test_a_number_on_the_second_line_of_a_folded_text_is_found_on_its_line(flows):
    line = edit(flows / "menu.yaml", "      en: Reply with a number from 1 to 7.\n",
                "      en: Reply with a number from 1 to 7,\n        or call 1-888-373-7880.\n")
    assert any(e.startswith(f"flows/menu.yaml:{line + 1}: the phone number 1-888-373-7880") for e in errors(flows))


DIRECTORY_CASES = [
    ("states.yaml", '{number: "1-800-478-4444"', '{number: "1-800-478-4445"',
     "the phone number 1-800-478-4445 is not in flows/facts.yaml: did you mean 1-800-478-4444?"),
    ("national.yaml", '{number: "233733", type: text}', '{number: "233783", type: text}',
     "the short code 233783 is not in flows/facts.yaml: did you mean 233733?"),
    ("national.yaml", '{number: "741741", type: text, keyword: HOME', '{number: "741741", type: text, keyword: HOEM',
     "HOEM is not a keyword flows/facts.yaml holds for 741741"),
    ("replies.yaml", "Closed now? Call 1-888-373-7888", "Closed now? Call 1-888-373-7788",
     "the phone number 1-888-373-7788 is not in flows/facts.yaml: did you mean 1-888-373-7888?"),
    ("states.yaml", "(no statewide number), or 911", "(no statewide number), or 991",
     "the short code 991 is not in flows/facts.yaml: did you mean 911?"),
]


@pytest.mark.parametrize(("file", "old", "new", "says"), DIRECTORY_CASES)
def test_an_unregistered_value_in_the_directory_fails_at_its_line(flows, file, old, new, says):
    line = edit(flows / "directory" / file, old, new)
    found = errors(flows)
    assert any(e.startswith(f"flows/directory/{file}:{line}: ") and says in e for e in found), found


def test_imported_directory_files_are_left_to_the_import(flows):
    """`referrals import` writes JSON from a publisher's data; its numbers are checked by the import."""
    imported = record("houston-211", area={"state": "TX"})
    (flows / "directory" / "houston.json").write_text(json.dumps({"services": [imported]}), encoding="utf-8")
    assert errors(flows) == []


def test_a_flow_folder_without_facts_has_none(flows):
    (flows / FACTS_FILE).unlink()
    found = errors(flows)
    assert found and all("this flow folder has no facts.yaml. Create flows/facts.yaml" in e for e in found)


def test_fictional_numbers_are_facts_like_any_other(flows):
    """Test fixtures use 555-01xx numbers; phonenumbers reads them as the directory does."""
    line = edit(flows / "menu.yaml", "call 1-888-373-7888 or text 233733", "call 713-555-0100 or text 233733")
    assert any(e.startswith(f"flows/menu.yaml:{line}: the phone number 713-555-0100") for e in errors(flows))
    with (flows / FACTS_FILE).open("a", encoding="utf-8") as facts:
        facts.write("  - name: Bayou Shelter (fictional)\n    phone: (713) 555-0100\n"
                    "    source: https://example.org/list\n    verified: 2026-11-01\n")
    assert errors(flows) == []


def test_the_static_reply_sends_only_facts():
    """The reply sent when the flows are broken lives in code (bot/fallback.py), so no flow check reads it."""
    found = find(STATIC_REPLY)
    assert {(f.kind, f.value) for f in found} >= {(PHONE, "+18883737888"), (SHORT_CODE, "233733"), (SHORT_CODE, "911")}
    assert [f.written for f in found if unknown(f, SHIPPED)] == []


def test_facts_yaml_is_not_a_flow_file():
    files, _ = flow_files(REPO_FLOWS)
    assert FACTS_FILE not in {f.name for f in files} and (REPO_FLOWS / FACTS_FILE).is_file()


# --- a one-digit typo in any fact of the shipped flows fails `flows check`, naming the file ---

def _texts(node) -> list[str]:
    return [t.get(lang) for t in (node.say, node.reprompt) if t for lang in ("en", "es")]


def _written(fact: Fact) -> re.Pattern[str]:
    if fact.keyword:
        return re.compile(rf"(?<![\w-]){fact.keyword} (?:to|al) {re.escape(fact.written)}(?![\w-])")
    return re.compile(rf"(?<![\w.-]){re.escape(fact.written)}(?![\w-]|\.\w)")


def _directory_sends() -> dict[str, tuple[list[str], set[tuple[str, str | None]]]]:
    """Each shipped directory file's texts (replies, service names) and (number, keyword) pairs, as the
    directory reads them."""
    sends = {}
    for path in sorted((REPO_FLOWS / "directory").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        services = data.get("services") or []
        texts = [json.dumps(data.get("texts", {}), ensure_ascii=False),
                 *(json.dumps(service.get("name"), ensure_ascii=False) for service in services)]
        sends[path.name] = texts, {(phones.parse(p["number"]), p.get("keyword"))
                                   for s in services for p in s.get("phones") or []}
    return sends


DIRECTORY_SENDS = _directory_sends()


@cache
def where_sent(fact: Fact) -> frozenset[str]:
    """The shipped files (by name) in which the bot sends `fact`, read from the loaded flows and the directory's
    records, independently of the check."""
    pattern = _written(fact)
    files = {Path(node.source.file).name for node in SHIPPED_FLOWS.nodes.values()
             if any(pattern.search(text) for text in _texts(node))}
    files |= {name for name, (texts, numbers) in DIRECTORY_SENDS.items()
              if any(pattern.search(text) for text in texts)
              or (fact.value, fact.keyword) in numbers}
    return frozenset(files)


def typo(fact: Fact) -> str:
    """The fact as written with one digit changed (one letter for an address, the keyword's last letter for a
    keyword) into something that is no fact."""
    if fact.kind == WEB:
        host, dot, rest = fact.written.partition(".")
        return f"{host[:-1]}{'x' if host[-1] != 'x' else 'y'}{dot}{rest}"
    if fact.keyword:
        return f"{fact.keyword[:-1]}{'X' if fact.keyword[-1] != 'X' else 'Y'}"
    at = max(i for i, c in enumerate(fact.written) if c.isdigit())
    for step in range(1, 10):
        changed = fact.written[:at] + str((int(fact.written[at]) + step) % 10) + fact.written[at + 1:]
        value = phones.parse(changed) if fact.kind == PHONE else changed
        if not SHIPPED.knows(fact.kind, value):
            return changed
    raise AssertionError(f"every one-digit change of {fact.written} is a fact")


SENT = [fact for fact in SHIPPED.facts if where_sent(fact)]


def test_the_shipped_flows_send_facts_of_every_kind():
    assert {f.kind for f in SENT} == {PHONE, SHORT_CODE, WEB} and any(f.keyword for f in SENT)


@pytest.mark.parametrize("fact", SENT, ids=[f"{f.shown}, {f.name}" for f in SENT])
def test_a_one_digit_typo_in_any_fact_fails_flows_check_naming_the_file(flows, fact):
    pattern, wrong = _written(fact), typo(fact)
    for path in [*flows.glob("*.yaml"), *(flows / "directory").glob("*.yaml")]:
        if path.name == FACTS_FILE:
            continue
        text = path.read_text(encoding="utf-8")
        if fact.keyword:
            changed = pattern.sub(lambda m: m.group().replace(fact.keyword, wrong, 1), text)
            changed = re.sub(rf"(number: \"?{re.escape(fact.written)}\"?, [^}}]*keyword: ){fact.keyword}\b",
                             rf"\g<1>{wrong}", changed)
        else:
            changed = pattern.sub(wrong, text)
            if fact.kind != WEB:  # a directory record's number, however it is written
                changed = re.sub(r"(number: \"?)([^,\"}]+)",
                                 lambda m: m.group(1) + (wrong if _parses_to(m.group(2), fact.value) else m.group(2)),
                                 changed)
        path.write_text(changed, encoding="utf-8")
    hint = f"did you mean {fact.keyword or fact.written}?"
    found = [e for e in errors(flows) if wrong in e and hint in e]
    assert where_sent(fact) <= {Path(e.split(":", 1)[0]).name for e in found}, errors(flows)


@cache
def _parses_to(written: str, value: str) -> bool:
    try:
        return phones.parse(written.strip()) == value
    except phones.BadNumber:
        return False


# --- facts.yaml itself: every mistake at its line, with what to do ---

GOOD_FACT = """\
- name: Hotline
  phone: 1-888-373-7888
  source: https://humantraffickinghotline.org/en/report-trafficking
  verified: 2026-11-01
"""


@pytest.mark.parametrize(("change", "line", "says"), [
    (("phone:", "phnoe:"), 3, '"phnoe" is not a field of a fact (did you mean "phone"?)'),
    (("  phone: 1-888-373-7888\n", ""), 2, "a fact has exactly one of phone, short_code or web (found none)"),
    (("  source:", "  web: example.org\n  source:"), 4, "a fact has exactly one of phone, short_code or web "
                                                        "(found phone, web)"),
    (("1-888-373-7888", "1-888-373-788"), 3, "is not a valid US phone number"),
    (("1-888-373-7888", "988"), 3, 'is a short number: write it as short_code: "988"'),
    (("phone: 1-888-373-7888", 'short_code: "23373A"'), 3, "a short_code is 3 to 6 digits"),
    (("  source:", "  keyword: HOME\n  source:"), 4, "a keyword is the word to text to a short code"),
    (("https://humantraffickinghotline.org/en/report-trafficking", "the hotline's site"), 4,
     'give the "source": the address (https://...)'),
    (("2026-11-01", "November 2026"), 5, '"verified" is the date a person last checked this'),
    (("  verified: 2026-11-01\n", ""), 2, '"verified" is the date a person last checked this'),
    (("- name: Hotline\n", "- name: ''\n"), 2, 'give the fact a "name"'),
])
def test_mistakes_in_facts_yaml_are_reported_at_their_line(tmp_path, change, line, says):
    registry, problems = registry_of(tmp_path, GOOD_FACT.replace(*change, 1))
    assert any(p.startswith(f"{tmp_path / FACTS_FILE}:{line}: ") and says in p for p in problems), problems
    assert registry is not None and registry.facts == ()


def test_an_unreadable_facts_file_stops_the_flows_and_says_where(flows):
    tab_line = (flows / FACTS_FILE).read_text().splitlines().index("  - name: Emergency") + 2
    edit(flows / FACTS_FILE, "  - name: Emergency\n", "  - name: Emergency\n\t")
    loaded, problems = check_flows(flows)
    assert loaded is None
    assert [str(p.source) for p in problems if p.level == ERROR] == [f"flows/facts.yaml:{tab_line}"]


def test_a_fact_written_twice_is_reported(tmp_path):
    _, problems = registry_of(tmp_path, GOOD_FACT + GOOD_FACT.replace("1-888-373-7888", "(888) 373-7888"))
    assert problems == [f"{tmp_path / FACTS_FILE}:6: (888) 373-7888 is written twice (also at "
                        f"{tmp_path / FACTS_FILE}:2); keep one fact for it, with every source in its list."]


@pytest.mark.parametrize("content", ["- just a list\n", "facts: none\n"])
def test_a_facts_file_without_a_list_of_facts(tmp_path, content):
    (tmp_path / FACTS_FILE).write_text(content, encoding="utf-8")
    registry, problems = load_registry(tmp_path)
    assert registry is None and 'facts.yaml holds "facts:", a list of facts' in problems[0].message


# --- re-verify: a fact checked more than a year ago ---

@pytest.mark.parametrize(("verified", "warns"), [
    ("2026-11-01", False),
    ("2025-11-23", False),  # a year ago to the day
    ("2025-11-22", True),
    ("2021-10", True),  # a month is enough when that is all the source gives
])
def test_facts_verified_more_than_a_year_ago_are_to_re_verify(tmp_path, verified, warns):
    registry, _ = registry_of(tmp_path, GOOD_FACT.replace("2026-11-01", verified))
    found = stale_problems(registry, TODAY)
    assert [(p.level, p.source.line) for p in found] == ([(WARNING, 2)] if warns else [])
    assert all("re-verify it" in p.message and '"verified"' in p.message for p in found)


def test_the_shipped_flows_load_with_no_error_and_warn_only_about_facts_to_re_verify():
    loaded, problems = check_flows(REPO_FLOWS)
    stale = [f for f in SHIPPED.facts if f.stale(date.today())]
    assert loaded is not None
    assert [(p.level, p.source.line) for p in problems if p.source.file.endswith(FACTS_FILE)] == \
           [(WARNING, f.source.line) for f in stale]


def test_flows_check_facts_lists_each_fact_and_what_to_re_verify():
    result = CliRunner().invoke(main, ["flows", "check", "--facts", str(REPO_FLOWS)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for fact in SHIPPED.facts:
        (row,) = [r for r in lines if r.startswith(f"{fact.shown} ") and r.endswith(f"  {fact.name}")]
        assert str(fact.verified) in row and ("RE-VERIFY" in row) == fact.stale(date.today())
    assert f"{len(SHIPPED.facts)} facts in " in result.stdout
