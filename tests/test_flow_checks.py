"""The checks `hotline-bot flows check` runs beyond the file format, each proved by a flow that trips it.

Every case is a small flow set (the valid base of test_flow_loader, with one thing changed), the `file:line:
level:` the operator should see and words of the message. The shipped flows pass: no errors.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.flow import check_flows
from bot.flow.problems import ERROR, WARNING
from bot.settings import REPO_FLOWS
from tests.test_flow_loader import KEYWORDS, MENU, SYSTEM, write_flows

# A menu of two choices, with a reprompt, and a page that says how to get back.
TWO = MENU.replace("        goto: talk\n", """\
        goto: talk
      - digit: 2
        goto: talk
    reprompt:
      en: Reply 1 or 2.
      es: Responde 1 o 2.
""")  # the reprompt's en: is line 14, es: line 15; talk's say en: line 18, es: line 19


THREE = TWO.replace("      - digit: 2\n        goto: talk\n",
                    "      - digit: 2\n        goto: talk\n      - digit: 3\n        goto: talk\n")  # reprompt: 16, 17


def facts_of(*values: tuple[str, ...]) -> str:
    """A facts.yaml holding these (kind, value[, keyword]) facts, checked today (never due for re-verifying)."""
    entries = "".join(f'  - name: fact {i}\n    {fact[0]}: "{fact[1]}"\n'
                      + (f"    keyword: {fact[2]}\n" if len(fact) > 2 else "")
                      + f"    source: https://example.org/{i}\n    verified: {date.today().isoformat()}\n"
                      for i, fact in enumerate(values))
    return "facts:\n" + entries


NUMBERS_FACTS = facts_of(("phone", "1-888-373-7888"), ("short_code", "233733"), ("short_code", "988", "AYUDA"))


def reported(tmp_path: Path, files: dict[str, str | bytes | None]) -> list[str]:
    """Every problem the loader reports for these files (errors and warnings), one line each."""
    return [str(problem) for problem in check_flows(write_flows(tmp_path, files))[1]]


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in messages are relative to the current directory."""
    monkeypatch.chdir(tmp_path)


def test_the_base_flows_have_no_problems(tmp_path: Path) -> None:
    assert reported(tmp_path, {"menu.yaml": TWO}) == []


# (files, [(file:line or None, level, fragment), ...])
FIRES = {
    # --- numbers a text offers, against the node's choices
    'a reprompt "1 to 3" on a menu of 2': (
        {"menu.yaml": TWO.replace("en: Reply 1 or 2.", "en: Reply with a number from 1 to 3.")},
        [("flows/menu.yaml:14", ERROR, 'node "menu": the English reprompt (en) says "1 to 3", but the choices here are '
                                       "1 and 2. A texter would reply 3 and not be understood.")],
    ),
    "a Spanish reprompt listing one number too few": (
        {"menu.yaml": THREE},
        [("flows/menu.yaml:17", ERROR, 'the Spanish reprompt (es) says "1 o 2", but the choices here are 1 to 3. '
                                       "A texter would never try 3.")],
    ),
    "a numbered list in the text missing a choice": (
        {"menu.yaml": TWO.replace("en: Reply 1 to talk.", "en: |-\n        Reply:\n        1 Talk\n        3 Call")},
        [("flows/menu.yaml:8", ERROR, 'the English text (en) lists 1 and 3, but the choices here are 1 and 2. A '
                                      "texter would never try 2 and reply 3 and not be understood.")],
    ),
    "a page offering numbers that are neither its choices nor the main menu's": (
        {"menu.yaml": TWO.replace("en: Call us. Reply 0", "en: Call us. Reply 1, 2 or 3, or 0")},
        [("flows/menu.yaml:18", ERROR, 'node "talk": the English text (en) says "1, 2 or 3", but the choices of the '
                                       "main menu are 1 and 2.")],
    ),
    # --- a page with no way back
    "a page that does not say how to get back to the menu": (
        {"menu.yaml": TWO.replace("en: Call us. Reply 0 for the menu.", "en: Call us.")},
        [("flows/menu.yaml:18", ERROR, 'node "talk": the English text (en) does not say how to get back to the menu, '
                                       'so a texter may think the conversation ends here. Add "Reply MENU or 0 for '
                                       'the menu."')],
    ),
    "a system page that does not say how to get back": (
        {"menu.yaml": TWO, "system.yaml": SYSTEM.replace("es: texto help, 0 para el inicio", "es: texto help")},
        [("flows/system.yaml:18", ERROR, 'node "help": the Spanish text (es) does not say how to get back to the '
                                         'menu, so a texter may think the conversation ends here. Add "Responde MENU '
                                         'o 0 para volver al inicio."')],
    ),
    "the menu keyword in lower case is not an offer": (
        {"menu.yaml": TWO.replace("Reply 0 for the menu.", "Back to the menu any time.")},
        [("flows/menu.yaml:18", ERROR, 'node "talk": the English text (en) does not say how to get back')],
    ),
    # --- a text left identical in both languages
    "a text left in English in the Spanish entry": (
        {"menu.yaml": TWO.replace("es: Llámanos. Responde 0 para el inicio.", "es: Call us. Reply 0 for the menu.")},
        [("flows/menu.yaml:19", WARNING, 'node "talk": the text is the same in English and Spanish: was it '
                                         "translated?")],
    ),
    "a reprompt left identical, whatever the case and punctuation": (
        {"menu.yaml": TWO.replace("es: Responde 1 o 2.", "es: REPLY 1 or 2!")},
        [("flows/menu.yaml:15", WARNING, 'node "menu": the reprompt is the same in English and Spanish')],
    ),
    # --- what a reply costs
    "a reply of 3 segments in GSM-7": (
        {"menu.yaml": TWO.replace("en: Call us.", "en: " + "Call us. " * 40)},
        [("flows/menu.yaml:18", WARNING, 'node "talk": the English text (en) takes 3 SMS segments (a warning above '
                                         "2: each is billed, and arrives as a separate piece on some phones). It is "
                                         "382 characters in the basic SMS alphabet (GSM-7, 153 per segment); shorten "
                                         "it to at most 306.")],
    ),
    "a reply of 3 segments because of one accent, named with its line and column": (
        {"menu.yaml": TWO.replace("es: Llámanos.", "es: |-\n        Llama ya. " + "Llama ya. " * 15
                                  + "\n        Llámanos.")},
        [("flows/menu.yaml:19", WARNING, 'node "talk": the Spanish text (es) takes 3 SMS segments (a warning above '
                                         "2: each is billed, and arrives as a separate piece on some phones). It is "
                                         'sent as UCS-2 (70 characters in one message, 67 per segment when split) '
                                         'because of "á" at line 21, column 11: letters like á í ó ú')],
    ),
    "a reply whose accent comes from the place filled in": (
        {"menu.yaml": TWO, "system.yaml": SYSTEM.replace("es: texto local_found, 0 para el inicio",
                                                         "es: '{place} 0 " + "x" * 130 + "'")},
        [("flows/system.yaml:34", WARNING, 'node "local_found": the Spanish text (es) (with {place} = "las Islas '
                                           'Vírgenes") takes 3 SMS segments')],
    ),
    "a reply of 4 segments is an error": (
        {"menu.yaml": TWO.replace("en: Call us.", "en: " + "Call us. " * 60)},
        [("flows/menu.yaml:18", ERROR, 'node "talk": the English text (en) is too long: it takes 4 SMS segments')],
    ),
}


@pytest.mark.parametrize(("files", "expected"), FIRES.values(), ids=FIRES.keys())
def test_each_check_fires_at_its_line(tmp_path: Path, files: dict, expected: list) -> None:
    found = reported(tmp_path, files)
    for where, level, fragment in expected:
        prefix = f"{where}: {level}: " if where else f"{level}: "
        assert [line for line in found if line.startswith(prefix) and fragment in line], (
            f"expected {prefix}...{fragment}...\ngot:\n" + "\n".join(found))


# How a reprompt may offer the numbers of a menu of 1, 2 and 3 (it must not be reported) and get them wrong.
OFFERS = [
    ("Reply with a number from 1 to 3.", True), ("Reply 1-3.", True), ("Responde del 1 al 3.", True),
    ("Responde 1 a 3.", True), ("Reply 1, 2 or 3.", True), ("Responde 1, 2 o 3.", True),
    ("Responde con un número entre 1 y 3.", True), ("Reply 1, 2, or 3.", True),
    ("Reply with a number from 1 to 4.", False), ("Reply 1-2.", False), ("Responde del 1 al 4.", False),
    ("Reply 1 or 2.", False), ("Responde 1 o 3.", False), ("Reply between 2 and 3.", False),
]


@pytest.mark.parametrize(("reprompt", "matches"), OFFERS)
def test_ranges_and_lists_in_both_languages(tmp_path: Path, reprompt: str, matches: bool) -> None:
    found = [line for line in reported(tmp_path, {"menu.yaml": THREE.replace("Reply 1 or 2.", reprompt)
                                                  .replace("Responde 1 o 2.", "Responde 1, 2 o 3.")})
             if "the choices here are" in line]
    if matches:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith("flows/menu.yaml:16: error: "), found


@pytest.mark.parametrize("text", [
    "Reply 8 for more.",  # one number alone is an offer of that choice, not a claim about all of them
    "Call 1-888-373-7888 or text 233733, 24/7.",  # digits inside numbers
    "Send a 5-digit ZIP code.",
    "Llama al 988 y marca 2, o manda AYUDA al 988.",
    "200+ languages, 1 to 1 with an interpreter.",
])
def test_numbers_that_are_not_offers_are_left_alone(tmp_path: Path, text: str) -> None:
    files = {"menu.yaml": TWO.replace("en: Call us.", f"en: {text}"), "facts.yaml": NUMBERS_FACTS}
    assert reported(tmp_path, files) == []


def test_a_page_may_offer_the_main_menus_numbers(tmp_path: Path) -> None:
    # The main menu's choices work from any page.
    assert reported(tmp_path, {"menu.yaml": TWO.replace("en: Call us.", "en: Call us. Reply 1 or 2 for more.")}) == []


@pytest.mark.parametrize("way_back", ["Reply MENU for the menu.", "Responde MENÚ.", "Send 0, any time.",
                                      "Reply INICIO.", "(0) for the menu."])
def test_ways_back_the_texts_may_name(tmp_path: Path, way_back: str) -> None:
    # 0, or a word of keywords "menu" in capitals, as a command; accents as the texts print them.
    keywords = KEYWORDS.replace("words: [es_menu]", "words: [menú, inicio]")
    files = {"menu.yaml": TWO.replace("Reply 0 for the menu.", way_back), "keywords.yaml": keywords}
    assert reported(tmp_path, files) == []


@pytest.mark.parametrize("node", ["stopped", "erased", "slowed"])
def test_pages_that_end_the_conversation_need_no_way_back(tmp_path: Path, node: str) -> None:
    system = SYSTEM.replace(f"en: {node} text, 0 for the menu", f"en: {node} text")
    assert reported(tmp_path, {"menu.yaml": TWO, "system.yaml": system}) == []


@pytest.mark.parametrize(("en", "es"), [("911", "911"), ("1-888-373-7888", "1-888-373-7888!")])
def test_texts_of_numbers_alone_may_be_the_same_in_both_languages(tmp_path: Path, en: str, es: str) -> None:
    files = {"menu.yaml": TWO.replace("Reply 1 or 2.", f'"{en}"').replace("Responde 1 o 2.", f'"{es}"'),
             "facts.yaml": facts_of(("short_code", "911"), ("phone", "1-888-373-7888"))}
    assert reported(tmp_path, files) == []


# --- YAML: the first line out of place, with a hint that fits

BASE_YAML = MENU  # nodes: menu (line 4), its say (5-7), choices (8-10); talk (11-14)
INDENTS = {
    "a key one space too far": (7, "       es: Responde 1 para hablar.",
                                "this line is indented 7 spaces, more than the entry above it (line 6, at 6), which "
                                "already has its value; line it up with the entries around it (6 spaces)"),
    "a key one space too little": (7, "     es: Responde 1 para hablar.",
                                   "this line is indented 5 spaces, but the entries around it use 6 (line 6) or 4"),
    "the first key of a node one space too far": (5, "     say:",
                                                  "this line is indented 5 spaces, but the entries at its level use 4 "
                                                  "(line 8); line them up"),
    "a key one space too little after a deeper block": (8, "   choices:",
                                                        "this line is indented 3 spaces, but the entries around it use "
                                                        "4 (line 5) or 2 (line 4)"),
    "a node one space too far": (11, "   talk:", "this line is indented 3 spaces, but the entries around it use"),
    "the only list item one space in": (9, "       - digit: 1", 'this list item is indented 7 spaces, but the entries '
                                        'under it use 8 (line 10); put its "- " at 6 spaces'),
    "a tab": (7, "\tes: Responde 1 para hablar.", "this line is indented with a tab: indent with spaces, not tabs"),
    "an entry under a list item one space too far": (10, "         goto: talk",
                                                     "this line is indented 9 spaces, more than the entry above it "
                                                     "(line 9, at 8)"),
}
LIST_YAML = TWO  # choices: items at lines 9 and 11, each "- digit:" with "goto:" under it; reprompt at line 13
LIST_INDENTS = {
    "a second list item one space in": (11, "       - digit: 2",
                                        'this list item is indented 7 spaces, but the items of its list start at 6 '
                                        '(line 9); every "- " of a list must line up'),
    "a second list item one space out": (11, "     - digit: 2", "this list item is indented 5 spaces"),
    "an entry after a list, lined up with its items": (13, "      reprompt:",
                                                       "this line is indented 6 spaces, like the items of the list "
                                                       'above it (line 9), but it is not an item ("- "); line it up '
                                                       "with the entries it belongs with (4 spaces)"),
}
# talk's en: at line 13, its text on lines 14-15, es: at 16
BLOCK_YAML = MENU.replace("      en: Call us. Reply 0 for the menu.\n",
                          "      en: |-\n        Call us.\n        Reply 0 for the menu.\n")
BLOCK_INDENTS = {
    "a line of a |- text one space too little": (15, "       Reply 0 for the menu.",
                                                 "this line of text is indented 7 spaces, less than the text above it "
                                                 "(8, from line 14); every line of a text written under |- must be "
                                                 "indented at least as much as its first line"),
    "a line of a |- text back at its entry's indentation": (15, "      Reply 0 for the menu.",
                                                            "this line of text is indented 6 spaces, less than the "
                                                            "text above it"),
    "the first line of a |- text one space too far": (14, "         Call us.",
                                                      "this line of text is indented 9 spaces, but the lines of text "
                                                      "after it use 8 (line 15); line them up"),
    "the entry after a |- text one space too far": (16, "       es: Llámanos. Responde 0 para el inicio.",
                                                    "this line is indented 7 spaces, but the entry above it (line 13) "
                                                    "is at 6: if it is a new entry, line it up with that one (6 "
                                                    "spaces); if it is part of the text, indent it as the text (8)"),
}
CASES = ([(BASE_YAML, *case) for case in INDENTS.values()] + [(LIST_YAML, *case) for case in LIST_INDENTS.values()]
         + [(BLOCK_YAML, *case) for case in BLOCK_INDENTS.values()])


@pytest.mark.parametrize(("base", "line", "written", "hint"), CASES,
                         ids=[*INDENTS.keys(), *LIST_INDENTS.keys(), *BLOCK_INDENTS.keys()])
def test_a_wrong_indent_is_reported_at_its_own_line(tmp_path: Path, base: str, line: int, written: str,
                                                    hint: str | None) -> None:
    lines = base.split("\n")
    lines[line - 1] = written
    found = reported(tmp_path, {"menu.yaml": "\n".join(lines)})
    yaml_errors = [p for p in found if "not valid YAML" in p]
    if hint is None:
        assert yaml_errors == []
    else:
        assert yaml_errors == [f"flows/menu.yaml:{line}: error: this is not valid YAML: {hint}."] or (
            yaml_errors[0].startswith(f"flows/menu.yaml:{line}: error: this is not valid YAML: {hint}")), found


@pytest.mark.parametrize(("change", "where", "hint"), [
    (("en: Call us.", 'en: "Call us.'), 13, "a quote opened on this line is never closed"),
    (("en: Reply 1 to talk.", "en: 'Reply 1 to talk."), 6, "a quote opened on this line is never closed"),
    (("en: Call us.", "en: [Call us."), 13, "a list opened with [ on this line is not closed with ]"),
])
def test_a_quote_or_bracket_left_open_is_reported_where_it_opens(tmp_path: Path, change: tuple[str, str],
                                                                  where: int, hint: str) -> None:
    found = reported(tmp_path, {"menu.yaml": MENU.replace(*change)})
    assert len(found) == 1 and found[0].startswith(f"flows/menu.yaml:{where}: error: ") and hint in found[0], found


def test_a_colon_in_a_text_keeps_its_own_hint(tmp_path: Path) -> None:
    found = reported(tmp_path, {"menu.yaml": MENU.replace("en: Call us.", "en: Call us: now")})
    assert found == ['flows/menu.yaml:13: error: this is not valid YAML (mapping values are not allowed in this '
                     'context): if a text contains ": " (a colon and a space), put the whole text in double quotes.']


# --- the shipped flows

def test_the_shipped_flows_have_no_errors() -> None:
    flows, problems = check_flows(REPO_FLOWS)
    assert flows is not None
    assert [str(p) for p in problems if p.level == ERROR] == []


def test_an_eighth_menu_item_flags_the_reprompt_that_still_says_seven(tmp_path: Path) -> None:
    """The case from issue 8: an operator adds a choice to a copy of the shipped menu and forgets the reprompt."""
    shutil.copytree(REPO_FLOWS, tmp_path / "flows")
    menu = tmp_path / "flows" / "menu.yaml"
    text = menu.read_text(encoding="utf-8")
    digits = [int(d) for d in re.findall(r"^      - digit: (\d)$", text.split("\n  talk:")[0], re.MULTILINE)]
    new = max(digits) + 1
    text = text.replace("        goto: other_lines\n", f"        goto: other_lines\n      - digit: {new}\n"
                        "        goto: immigration\n", 1)
    menu.write_text(text, encoding="utf-8")
    reprompt_line = next(n for n, line in enumerate(text.split("\n"), 1)
                         if line.startswith("      en: Reply with a number"))
    problems = [str(p) for p in check_flows(Path("flows"))[1] if p.level == ERROR]
    assert any(p.startswith(f"flows/menu.yaml:{reprompt_line}: error: ") and f"never try {new}" in p
               for p in problems), problems
