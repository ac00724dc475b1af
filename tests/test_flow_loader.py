"""The flow loader: what it builds from valid files, and what it tells an operator about broken ones.

Each broken case is a small flow file next to a valid base (every system node and keyword group),
and the file:line and words the operator should see.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from bot.flow import SYSTEM_NODES, FlowError, Flows, Intent, Localized, Problem, Source, load_flows
from bot.flow.schema import SCHEMA, schema_problems
from bot.flow.yaml_source import read_document
from bot.settings import REPO_FLOWS

SYSTEM = "spec: 1\nnodes:\n" + "".join(  # each text says how to get back to the menu: "0"
    f"  {name}:\n    say:\n      en: {name} text, 0 for the menu\n      es: texto {name}, 0 para el inicio\n"
    for name in SYSTEM_NODES
).replace("en: local_found text", "en: Help in {place}")

KEYWORDS = "spec: 1\nkeywords:\n" + "".join(
    f"  {intent.value}:\n    en:\n      words: [{intent.value}]\n    es:\n      words: [es_{intent.value}]\n"
    for intent in Intent
)

MENU = """\
spec: 1
start: menu
nodes:
  menu:
    say:
      en: Reply 1 to talk.
      es: Responde 1 para hablar.
    choices:
      - digit: 1
        goto: talk
  talk:
    say:
      en: Call us. Reply 0 for the menu.
      es: Llámanos. Responde 0 para el inicio.
"""

BASE = {"keywords.yaml": KEYWORDS, "system.yaml": SYSTEM}


def write_flows(tmp_path: Path, files: dict[str, str | bytes | None]) -> Path:
    """A flows/ folder holding the base files and `files` (None removes a base file); the cwd is tmp_path."""
    folder = tmp_path / "flows"
    folder.mkdir()
    for name, content in {**BASE, **files}.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        elif content is not None:
            (folder / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return Path("flows")


def problems_in(tmp_path: Path, files: dict[str, str | bytes | None]) -> list[str]:
    """The problems the loader reports for these files, one line each."""
    with pytest.raises(FlowError) as caught:
        load_flows(write_flows(tmp_path, files))
    return str(caught.value).splitlines()


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in messages are relative to the current directory."""
    monkeypatch.chdir(tmp_path)


def menu_with(node_lines: str) -> str:
    """MENU plus more YAML under nodes: (starting on line 15)."""
    return MENU + node_lines


# (files, [(where, fragment), ...]): `where` is "file:line", or None for the flow set as a whole.
BROKEN = {
    # --- reading the files
    "yaml syntax: a colon in unquoted text": (
        {"menu.yaml": MENU.replace("en: Call us.", "en: Call us: now")},
        [("flows/menu.yaml:13", 'if a text contains ": " (a colon and a space), put the whole text in double quotes')],
    ),
    "yaml syntax: a tab in the indentation": (
        {"menu.yaml": MENU.replace("      es: Llámanos.", "\tes: Llámanos.")},
        [("flows/menu.yaml:14", "indent with spaces, not tabs")],
    ),
    "a file that is not UTF-8": (
        {"menu.yaml": MENU.encode("latin-1")},
        [("flows/menu.yaml:14", "this file is not saved as UTF-8 (the byte 0xe1 on this line is not UTF-8). "
                                "Save it again choosing the UTF-8 encoding.")],
    ),
    "an invisible control character": (
        {"menu.yaml": MENU.replace("Call us.", "Call\x07 us.")},
        [("flows/menu.yaml:13", "this line contains an invisible control character (#x0007)")],
    ),
    "two documents in one file": (
        {"menu.yaml": MENU + "---\nspec: 1\n"},
        [("flows/menu.yaml:15", 'a flow file is one document: remove the "---" line')],
    ),
    "a node with nothing under it": (
        {"menu.yaml": menu_with("  more:\n")},
        [("flows/menu.yaml:15", 'node "more": the node is empty; it must be a set of entries indented under the '
                                "node's name: say:, and optionally choices: and reprompt:.")],
    ),
    "a file that is a list, not a mapping": (
        {"menu.yaml": MENU, "extra.yaml": "- spec: 1\n"},
        [("flows/extra.yaml:1", 'this file must be a set of "name: value" lines, starting with "spec: 1", not a list')],
    ),
    "an empty file": (
        {"menu.yaml": MENU, "extra.yaml": "# nothing yet\n"},
        [("flows/extra.yaml:1", 'this file is empty; it must be a set of "name: value" lines')],
    ),
    "a key written twice in one mapping": (
        {"menu.yaml": MENU.replace("      es: Llámanos.", "      es: Llámanos.\n      en: Call.")},
        [("flows/menu.yaml:15", '"en" is written twice under "say:" (also at line 13)')],
    ),
    "a node written twice in one file": (
        {"menu.yaml": menu_with("  talk:\n    say: {en: a, es: b}\n")},
        [("flows/menu.yaml:15", '"talk" is written twice under "nodes:" (also at line 11)')],
    ),
    # --- the format, checked by schema.json
    "spec missing": (
        {"menu.yaml": MENU.replace("spec: 1\n", "")},
        [("flows/menu.yaml:1", '"spec" is missing. Add "spec: 1" at the top of the file.')],
    ),
    "spec is not 1": (
        {"menu.yaml": MENU.replace("spec: 1", "spec: 2")},
        [("flows/menu.yaml:1", '"spec" must be 1, the only version of this format, not 2.')],
    ),
    "a Spanish text missing": (
        {"menu.yaml": MENU.replace("      es: Llámanos. Responde 0 para el inicio.\n", "")},
        [("flows/menu.yaml:12", 'node "talk": the Spanish text (es) is missing. Add an "es:" entry under "say:".')],
    ),
    "an empty English text": (
        {"menu.yaml": MENU.replace("en: Call us. Reply 0 for the menu.", 'en: "  "')},
        [("flows/menu.yaml:13", 'node "talk": the English text (en) is empty; it must be text')],
    ),
    "a node without say": (
        {"menu.yaml": menu_with("  more:\n    reprompt: {en: a, es: b}\n")},
        [("flows/menu.yaml:15", 'node "more": "say" is missing. Add a "say:" entry under "more:".')],
    ),
    "a misspelt entry": (
        {"menu.yaml": MENU.replace("    say:\n      en: Call", "    sya:\n      en: Call")},
        [("flows/menu.yaml:12", 'node "talk": "sya" does not belong in the node (it can have: say, choices, '
                                'reprompt). Did you mean "say"?')],
    ),
    "a misspelt top-level entry": (
        {"menu.yaml": MENU.replace("start:", "strat:")},
        [("flows/menu.yaml:2", '"strat" does not belong at the top of the file'),
         (None, 'no flow file sets "start:"')],
    ),
    "a node name with capitals": (
        {"menu.yaml": MENU.replace("goto: talk", "goto: Talk").replace("  talk:", "  Talk:")},
        [("flows/menu.yaml:11", 'the node name "Talk" is not allowed: use lowercase letters, digits and _ only'),
         ("flows/menu.yaml:10", 'node "menu", choice 1: "goto" must be the name of a node (lowercase letters')],
    ),
    "digit 0 is kept for the menu": (
        {"menu.yaml": MENU.replace("digit: 1", "digit: 0")},
        [("flows/menu.yaml:9", 'node "menu", choice 1: "digit" must be a single digit from 1 to 9 '
                               "(0 always means MENU), not 0.")],
    ),
    "digit as a word": (
        {"menu.yaml": MENU.replace("digit: 1", "digit: one")},
        [("flows/menu.yaml:9", '"digit" must be a single digit from 1 to 9 (0 always means MENU), not "one".')],
    ),
    "a choice with neither digit nor words": (
        {"menu.yaml": MENU.replace("      - digit: 1\n        goto: talk", "      - goto: talk")},
        [("flows/menu.yaml:9", 'node "menu", choice 1: this choice has no "digit:" and no "words:", so no one '
                               "can pick it. Add one or both.")],
    ),
    "a choice without goto": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        words: {en: [talk]}\n")},
        [("flows/menu.yaml:9", 'node "menu", choice 1: "goto" is missing. Add "goto:" with the name of the node'),
         ("flows/menu.yaml:11", 'node "talk" cannot be reached')],
    ),
    "words given as one word instead of a list": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        goto: talk\n        words: {es: hablar}\n")},
        [("flows/menu.yaml:11", 'node "menu", choice 1: the Spanish words (es) must be a list of words, like '
                                '[talk, call], not "hablar".')],
    ),
    "a yes/no word YAML would read as a boolean": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        goto: talk\n        words: {en: [talk, true]}\n")},
        [("flows/menu.yaml:11", 'item 2 of the English words (en) must be a word or a number, not true. To use it '
                                'as text, put it in quotes: "true".')],
    ),
    "an unknown keyword group": (
        {"menu.yaml": MENU, "keywords.yaml": KEYWORDS.replace("  hello:", "  helo:")},
        [("flows/keywords.yaml:48", '"helo" is not a keyword group the bot knows; use one of: emergency, suicide, '
                                    'help, delete, stop, start, english, spanish, menu, hello. Did you mean "hello"?'),
         (None, 'no keywords are set for: "hello" (greetings)')],
    ),
    "a keyword group with no words": (
        {"menu.yaml": MENU, "keywords.yaml": KEYWORDS.split("  hello:")[0] + "  hello: {}\n"},
        [("flows/keywords.yaml:48", 'keywords "hello": the keyword group is empty; it must be an "en:" and/or')],
    ),
    # --- across files
    "a node defined in two files": (
        {"menu.yaml": MENU, "more.yaml": "spec: 1\nnodes:\n  talk:\n    say: {en: a, es: b}\n"},
        [("flows/more.yaml:3", 'node "talk" is defined twice: here and at flows/menu.yaml:11. Node names must be '
                               "unique across all flow files")],
    ),
    "no file sets start": (
        {"menu.yaml": MENU.replace("start: menu\n", "")},
        [(None, 'no flow file sets "start:", the node the main menu starts at. Add a line like "start: menu"')],
    ),
    "two files set start": (
        {"menu.yaml": MENU, "more.yaml": "spec: 1\nstart: talk\n"},
        [("flows/more.yaml:2", '"start" is also set at flows/menu.yaml:2; only one file may set it.')],
    ),
    "start names no node": (
        {"menu.yaml": MENU.replace("start: menu", "start: mneu")},
        [("flows/menu.yaml:2", '"start" names "mneu", but there is no node called that. Did you mean "menu"?')],
    ),
    "a goto to a node that does not exist": (
        {"menu.yaml": MENU.replace("goto: talk", "goto: tlak")},
        [("flows/menu.yaml:10", 'node "menu", choice 1: goto "tlak" names no node. Did you mean "talk"?')],
    ),
    "system nodes missing": (
        {"menu.yaml": MENU, "system.yaml": SYSTEM.replace("  help:", "  helpme:").replace("  erased:", "  erasd:")},
        [(None, 'these nodes are missing: "help" (the answer to HELP, sent even after STOP; may use {program}); '
                '"erased" (the '
                'confirmation of DELETE). The bot sends them on its own, so every flow set needs them')],
    ),
    "keyword groups missing": (
        {"menu.yaml": MENU, "keywords.yaml": KEYWORDS.split("  delete:")[0]},
        [(None, 'no keywords are set for: "delete" (erasing their data), "stop" (opting out), "start"')],
    ),
    "a keyword group set in two files": (
        {"menu.yaml": MENU + "keywords:\n  menu:\n    en: {words: [home]}\n"},
        [("flows/menu.yaml:16", 'keywords "menu" are set twice: here and at flows/keywords.yaml:43.')],
    ),
    "a node nothing leads to": (
        {"menu.yaml": menu_with("  orphan:\n    say: {en: a, es: b}\n")},
        [("flows/menu.yaml:15", 'node "orphan" cannot be reached: no choice or topic leads to it ("goto: orphan") '
                                "from the "
                                "main menu. Add a choice that leads to it, or remove the node.")],
    ),
    "a topic that leads nowhere": (
        {"menu.yaml": MENU + "topics:\n  pay:\n    goto: tlak\n    en: {phrases: [won't pay me]}\n"},
        [("flows/menu.yaml:17", 'topic "pay": goto "tlak" names no node. Did you mean "talk"?')],
    ),
    "a topic without goto": (
        {"menu.yaml": MENU + "topics:\n  pay:\n    en: {phrases: [won't pay me]}\n"},
        [("flows/menu.yaml:16", 'topic "pay": "goto" is missing. Add "goto:" with the name of the node this topic '
                                "leads to.")],
    ),
    "a topic set in two files": (
        {"menu.yaml": MENU + "topics:\n  pay:\n    goto: talk\n    en: {phrases: [won't pay me]}\n",
         "more.yaml": "spec: 1\ntopics:\n  pay:\n    goto: talk\n    es: {phrases: [no me pagan]}\n"},
        [("flows/more.yaml:3", 'topic "pay" is defined twice: here and at flows/menu.yaml:16.')],
    ),
    "a node only a topic leads to is reachable": (
        {"menu.yaml": menu_with("  pay:\n    say: {en: a, es: b}\n") + "topics:\n  wages:\n    goto: pay\n"
                                "    en: {phrases: [won't pay me]}\n    es: {phrases: [no me pagan]}\n"
                                "  trafficking:\n    goto: orphan\n    en: {phrases: [trafficking]}\n"},
        [("flows/menu.yaml:23", 'topic "trafficking": goto "orphan" names no node.')],  # and nothing about "pay"
    ),
    # --- phrases: safety first, and opt-out only as the whole message
    "a one-word stop phrase would opt out inside a sentence": (
        {"menu.yaml": MENU, "keywords.yaml": KEYWORDS.replace("words: [stop]", "words: [stop]\n      phrases: [stop]")},
        [("flows/keywords.yaml:23", 'keywords "stop": the phrase "stop" is one word, so it would opt out anyone who '
                                    'uses it inside a sentence. Put it under words: (the whole message), or write the '
                                    'phrase in full, like "stop texting me".')],
    ),
    "a phrase an earlier intent's phrase always catches": (
        {"menu.yaml": MENU, "keywords.yaml": KEYWORDS.replace("words: [emergency]", "phrases: [in danger]")
         .replace("words: [help]", "words: [help]\n      phrases: [i am in danger please help]")},
        [("flows/keywords.yaml:13", 'keywords "help": "i am in danger please help" holds "in danger", a phrase of '
                                    'keywords "emergency", which is checked first, so here it can never match.')],
    ),
    "a topic phrase a keyword phrase always catches": (
        {"menu.yaml": MENU + "topics:\n  pay:\n    goto: talk\n    en: {phrases: [they won't pay me i'm in danger]}\n",
         "keywords.yaml": KEYWORDS.replace("words: [emergency]", "phrases: [i'm in danger]")},
        [("flows/menu.yaml:16", 'topic "pay": "they wont pay me im in danger" holds "im in danger", a phrase of '
                                'keywords "emergency"')],
    ),
    "a node's reprompt too long inside the general reprompt": (
        {"menu.yaml": MENU.replace("  talk:\n", "    reprompt:\n      en: " + "Reply 1. " * 50 + "\n"
                                   "      es: Responde 1.\n  talk:\n"),
         "system.yaml": SYSTEM.replace("en: reprompt text, 0 for the menu",
                                       "en: 'Sorry. {hint} Call the hotline, or 0.'")},
        [("flows/menu.yaml:4", 'node "menu": the English reprompt (en) inside the general reprompt node is too '
                               "long: it takes 4 SMS segments")],
    ),
    "an unknown placeholder in help": (
        {"menu.yaml": MENU, "system.yaml": SYSTEM.replace("en: help text", "en: This is {programme}.")},
        [("flows/system.yaml:17", 'node "help": the English text (en) uses {programme}, but this node can only use '
                                  "{program}.")],
    ),
    # --- choices and words
    "two choices with one digit": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        goto: talk\n"
                                   "      - digit: '1'\n        goto: menu\n")},
        [("flows/menu.yaml:11", 'node "menu", choice 2: "1" already picks choice 1 (line 9)')],
    ),
    "two choices with one word, in different case and accents": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        goto: talk\n        words: {es: [Hablár]}\n"
                                   "      - words: {en: [HABLAR]}\n        goto: menu\n")},
        [("flows/menu.yaml:12", 'node "menu", choice 2: "hablar" already picks choice 1 (line 9)')],
    ),
    "a word with nothing to match": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        goto: talk\n        words:\n          en:\n"
                                   "            - talk\n            - '!!'\n")},
        [("flows/menu.yaml:14", 'node "menu", choice 1: "!!" in the English words (en) has no letters or digits, '
                                "so it can never match")],
    ),
    "a choice word that is a keyword": (
        {"menu.yaml": MENU.replace("        goto: talk\n", "        goto: talk\n        words: {en: [Help]}\n")},
        [("flows/menu.yaml:9", 'node "menu", choice 1: "help" is also a word of keywords "help", which is answered '
                               "first from anywhere, so it never picks this choice.")],
    ),
    "a word in two keyword groups": (
        {"menu.yaml": MENU, "keywords.yaml": KEYWORDS.replace("words: [hello]", "words: [hello, Menu]")},
        [("flows/keywords.yaml:48", 'keywords "hello": "menu" is also a word of keywords "menu", which is checked '
                                    "first, so here it can never match.")],
    ),
    # --- texts
    "a placeholder where there are none": (
        {"menu.yaml": MENU.replace("en: Call us.", "en: Call us in {place}.")},
        [("flows/menu.yaml:13", 'node "talk": the English text (en) uses {place}, but this node has no '
                                'placeholders. To show a brace, write it twice: "{{" or "}}".')],
    ),
    "an unknown placeholder in local_found": (
        {"menu.yaml": MENU, "system.yaml": SYSTEM.replace("en: Help in {place}", "en: Help in {city}")},
        [("flows/system.yaml:33", 'node "local_found": the English text (en) uses {city}, but this node can '
                                  "only use {place}.")],
    ),
    "a stray brace": (
        {"menu.yaml": MENU.replace("es: Llámanos.", "es: Llámanos :}")},
        [("flows/menu.yaml:14", 'node "talk": the Spanish text (es) has a "{" or "}" that is not part of a '
                                'placeholder. To show a brace, write it twice: "{{" or "}}".')],
    ),
    "curly quotes in English": (
        {"menu.yaml": MENU.replace("en: Call us.", "en: “Call us” – we’re here.")},
        [("flows/menu.yaml:13", 'node "talk": the English text (en) has curly quotes or long dashes (“ ” – ’); '
                                "use straight quotes (' and \") and hyphens (-) instead")],
    ),
    "an English text longer than 3 segments": (
        {"menu.yaml": MENU.replace("en: Call us.", "en: " + "Call us. " * 57)},
        [("flows/menu.yaml:13", 'node "talk": the English text (en) is too long: it takes 4 SMS segments; the '
                                "limit is 3. It is 535 characters in the basic SMS alphabet (GSM-7, 153 per "
                                "segment); shorten it to at most 459.")],
    ),
    "a Spanish text longer than 3 segments because of á": (
        {"menu.yaml": MENU.replace("es: Llámanos.", "es: " + "Llámanos ya. " * 14)},
        [("flows/menu.yaml:14", 'node "talk": the Spanish text (es) is too long: it takes 4 SMS segments; the '
                                "limit is 3. It is sent as UCS-2 (70 characters in one message, 67 per segment "
                                "when split) because of \"á\" at line 14, column 13: letters like á í ó ú")],
    ),
    "local_found measured with the longest place name": (
        {"menu.yaml": MENU, "system.yaml": SYSTEM.replace("en: Help in {place}, 0 for the menu",
                                                            "en: '{place} 0 " + "x" * 440 + "'")},
        [("flows/system.yaml:33", 'node "local_found": the English text (en) (with {place} = "the Northern Mariana '
                                  'Islands") is too long: it takes 4 SMS segments')],
    ),
    "local_found measured with a Spanish place name that is not GSM-7": (
        {"menu.yaml": MENU,
         "system.yaml": SYSTEM.replace("es: texto local_found, 0 para el inicio", "es: '{place} 0 " + "x" * 200 + "'")},
        [("flows/system.yaml:34", 'node "local_found": the Spanish text (es) (with {place} = '
                                  '"las Islas Vírgenes") is too long: it takes 4 SMS segments')],
    ),
}


@pytest.mark.parametrize(("files", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_flow_is_reported_at_its_line(tmp_path: Path, files: dict, expected: list) -> None:
    reported = problems_in(tmp_path, files)
    for where, fragment in expected:
        matches = [line for line in reported
                   if fragment in line and (line.startswith(f"{where}: ") if where else not line.startswith("flows/"))]
        assert matches, f"expected {where}: ...{fragment}...\ngot:\n" + "\n".join(reported)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    reported = problems_in(tmp_path, {
        "menu.yaml": MENU.replace("digit: 1", "digit: 0").replace("      es: Llámanos. Responde 0 para el inicio.\n",
                                                                  ""),
        "more.yaml": "spec: 2\n",
    })
    assert reported == [
        'flows/menu.yaml:9: error: node "menu", choice 1: "digit" must be a single digit from 1 to 9 (0 always means '
        "MENU), not 0.",
        'flows/menu.yaml:12: error: node "talk": the Spanish text (es) is missing. Add an "es:" entry under "say:".',
        'flows/more.yaml:1: error: "spec" must be 1, the only version of this format, not 2.',
    ]


def test_a_start_that_names_no_node_is_the_only_problem_reported(tmp_path: Path) -> None:
    # Every node would otherwise be reported as unreachable.
    assert problems_in(tmp_path, {"menu.yaml": MENU.replace("start: menu", "start: mneu")}) == [
        'flows/menu.yaml:2: error: "start" names "mneu", but there is no node called that. Did you mean "menu"?']


def test_a_file_that_cannot_be_read_skips_the_checks_across_files(tmp_path: Path) -> None:
    # Its nodes are unknown, so "goto names no node" or "cannot be reached" would be false alarms.
    reported = problems_in(tmp_path, {"menu.yaml": MENU, "system.yaml": SYSTEM + "  broken: [\n"})
    assert len(reported) == 1
    assert reported[0].startswith("flows/system.yaml:") and "not valid YAML" in reported[0]


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"the flow folder nowhere does not exist\. Check HOTLINE_FLOWS_DIR\."):
        load_flows(Path("nowhere"))


def test_a_folder_without_flow_files(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "notes.txt").write_text("spec: 1\n")
    with pytest.raises(FlowError, match=r"the flow folder flows has no flow files \(\*.yaml or \*.yml\) in it."):
        load_flows(Path("flows"))


def test_paths_are_shown_relative_to_the_current_directory(tmp_path: Path) -> None:
    folder = write_flows(tmp_path, {"menu.yaml": MENU.replace("spec: 1", "spec: 2")})
    with pytest.raises(FlowError) as caught:
        load_flows(folder.absolute())
    assert caught.value.problems == [Problem(Source("flows/menu.yaml", 1), '"spec" must be 1, the only version of '
                                                                          "this format, not 2.")]


# --- what a valid flow set becomes

def test_a_valid_flow_set_becomes_the_model(tmp_path: Path) -> None:
    flows = load_flows(write_flows(tmp_path, {"menu.yml": MENU}))
    assert isinstance(flows, Flows)
    assert flows.start == "menu"
    assert flows.spec == 1
    assert set(flows.nodes) == {"menu", "talk", *SYSTEM_NODES}
    assert flows.node("talk").say == Localized("Call us. Reply 0 for the menu.", "Llámanos. Responde 0 para el inicio.")
    assert flows.node("talk").source == Source("flows/menu.yml", 11)
    assert flows.node("local_found").say.en == "Help in {place}, 0 for the menu"
    assert list(flows.keywords) == list(Intent)


def test_choices_keep_their_digit_as_text_and_their_words_normalised(tmp_path: Path) -> None:
    menu = MENU.replace("        goto: talk\n", """\
        goto: talk
        words:
          en: [Talk, "Call NOW!", 911]
          es: [Hablár, "no"]
      - digit: '2'
        words: {es: [sí, no es nada]}
        goto: menu
""")
    flows = load_flows(write_flows(tmp_path, {"menu.yaml": menu}))
    first, second = flows.node("menu").choices
    assert first.digit == "1"
    assert first.words == {"en": frozenset({"talk", "call now", "911"}), "es": frozenset({"hablar", "no"})}
    assert first.source == Source("flows/menu.yaml", 9)
    assert second.digit == "2" and second.words == {"es": frozenset({"si", "no es nada"})}
    assert first.matches("1") and first.matches("hablar") and not first.matches("2")


def test_doubled_braces_are_literal_braces(tmp_path: Path) -> None:
    flows = load_flows(write_flows(tmp_path, {"menu.yaml": MENU.replace("en: Call us.", "en: Call us {{now}}.")}))
    assert flows.node("talk").say.en.format_map({}) == "Call us {now}. Reply 0 for the menu."


def test_spanish_no_and_other_yaml_1_1_booleans_stay_words(tmp_path: Path) -> None:
    keywords = KEYWORDS.replace("words: [es_stop]", "words: [no, off, 010, 1:30]")
    flows = load_flows(write_flows(tmp_path, {"menu.yaml": MENU, "keywords.yaml": keywords}))
    assert flows.keywords[Intent.STOP].words["es"] == frozenset({"no", "off", "010", "1 30"})


def test_keywords_are_normalised_per_language(tmp_path: Path) -> None:
    keywords = KEYWORDS.replace("""\
  emergency:
    en:
      words: [emergency]
    es:
      words: [es_emergency]
""", """\
  emergency:
    en:
      words: [911, Emergency, DANGER]
      phrases: ["I'm in danger", "help me now"]
    es:
      words: [Emergencia, peligro]
""")
    flows = load_flows(write_flows(tmp_path, {"menu.yaml": MENU, "keywords.yaml": keywords}))
    emergency = flows.keywords[Intent.EMERGENCY]
    assert emergency.words == {"en": frozenset({"911", "emergency", "danger"}),
                               "es": frozenset({"emergencia", "peligro"})}
    assert emergency.phrases == {"en": ("im in danger", "help me now"), "es": ()}


def test_the_model_cannot_be_changed(tmp_path: Path) -> None:
    flows = load_flows(write_flows(tmp_path, {"menu.yaml": MENU}))
    with pytest.raises(TypeError):
        flows.nodes["talk"] = flows.nodes["menu"]  # type: ignore[index]
    with pytest.raises(TypeError):
        flows.keywords[Intent.HELP].words["en"] = frozenset()  # type: ignore[index]


def test_a_flow_error_reads_one_problem_per_line() -> None:
    error = FlowError([Problem(Source("flows/a.yaml", 3), "first."), Problem(None, "second.")])
    assert str(error) == "flows/a.yaml:3: error: first.\nerror: second."


# --- the schema, as published for editors

def test_the_schema_is_valid_json_schema_2020_12() -> None:
    published = json.loads((Path(__file__).parent.parent / "bot" / "flow" / "schema.json").read_text("utf-8"))
    assert published == SCHEMA
    Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_knows_every_keyword_group() -> None:
    assert SCHEMA["properties"]["keywords"]["propertyNames"]["enum"] == [i.value for i in Intent]
    assert list(SCHEMA["properties"]["keywords"]["properties"]) == [i.value for i in Intent]


def test_the_example_in_the_operators_guide_follows_the_schema(tmp_path: Path) -> None:
    guide = (Path(__file__).parent.parent / "docs" / "flow-format.md").read_text("utf-8")
    example = guide.split("## An example")[1].split("```yaml\n")[1].split("```")[0]
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    doc, problems = read_document(tmp_path / "example.yaml")
    assert doc is not None and problems == []
    assert schema_problems(doc) == []


def test_the_repo_flows_load() -> None:
    flows = load_flows(REPO_FLOWS)
    assert set(SYSTEM_NODES) <= set(flows.nodes)
