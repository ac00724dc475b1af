"""The pure engine, on a small hand-built flow: each case is (state, message) -> what is said and kept."""

from __future__ import annotations

import pytest

from bot.engine import Options, carrier_opt, step
from bot.flow.model import SYSTEM_NODES, Choice, Flows, Intent, Keywords, Localized, Node, Topic
from bot.state import NEW, State
from bot.text import normalise

NOW = 1_800_000_000


def _node(name: str, *choices: Choice, reprompt: bool = False) -> Node:
    text = Localized(en=f"[{name} en]", es=f"[{name} es]")
    if name == "local_found":
        text = Localized(en="[local_found en: {place}]", es="[local_found es: {place}]")
    if name == "help":
        text = Localized(en="[help en: {program}]", es="[help es: {program}]")
    if name == "reprompt":
        text = Localized(en="[reprompt en]{hint}", es="[reprompt es]{hint}")
    return Node(name, text, choices, Localized(f"[{name} hint en]", f"[{name} hint es]") if reprompt else None)


def _keywords(en: list[str], es: list[str], en_phrases=(), es_phrases=()) -> Keywords:
    return Keywords(
        words={"en": frozenset(map(normalise, en)), "es": frozenset(map(normalise, es))},
        phrases={"en": tuple(map(normalise, en_phrases)), "es": tuple(map(normalise, es_phrases))},
    )


FLOWS = Flows(
    start="menu",
    nodes={n.name: n for n in [
        _node("menu", Choice("talk", "1", {"en": frozenset({"talk"}), "es": frozenset({"hablar"})}),
              Choice("signs", "2", {"en": frozenset({"signs"}), "es": frozenset({"senales"})})),
        _node("talk"),
        _node("labour"),
        _node("signs", Choice("signs_more", "1"), reprompt=True),
        _node("signs_more"),
        *(_node(name) for name in SYSTEM_NODES),
    ]},
    keywords={
        Intent.EMERGENCY: _keywords(["911", "danger"], ["911", "peligro"], ["i'm in danger", "trapped", "hurting me"],
                                    ["estoy en peligro", "emergencia", "atrapada"]),
        Intent.SUICIDE: _keywords(["suicide"], ["suicidio"], ["kill myself"], ["me quiero morir"]),
        Intent.HELP: _keywords(["help", "info"], ["ayuda"]),
        Intent.DELETE: _keywords(["delete"], ["borrar"]),
        Intent.STOP: _keywords(["stop", "quit"], ["stop", "parar"], ["stop texting me"], ["deja de escribirme"]),
        Intent.START: _keywords(["start", "unstop", "yes"], ["comenzar"]),
        Intent.ENGLISH: _keywords(["english"], ["ingles"]),
        Intent.SPANISH: _keywords(["spanish"], ["español"]),
        Intent.MENU: _keywords(["menu", "0"], ["inicio"]),
        Intent.HELLO: _keywords(["hi", "hello"], ["hola", "buenas"]),
    },
    topics=(Topic("documents", "labour", _keywords([], [], ["took my passport"], ["me quitaron el pasaporte"])),),
)

AT_TALK = State(node="talk", lang="en", last_seen=NOW - 60)
AT_SIGNS = State(node="signs", lang="en", last_seen=NOW - 60)
AT_TALK_ES = State(node="talk", lang="es", last_seen=NOW - 60)
OPTED_OUT = State(node="menu", lang="en", opted_out=True, last_seen=NOW - 60)


@pytest.mark.parametrize(("before", "message", "says", "node", "lang"), [
    # A first message gets the welcome (the main menu), in the language it is written in.
    (NEW, "hi", "[menu en]", "menu", "en"),
    (NEW, "Hola", "[menu es]", "menu", "es"),
    (NEW, "¿qué es esto?", "[menu es]", "menu", "es"),
    (NEW, "buenas, me puedes decir algo?", "[menu es]", "menu", "es"),
    (NEW, "1", "[menu en]", "menu", "en"),
    (NEW, "", "[menu en]", "menu", "en"),
    (State(lang="es"), "1", "[menu es]", "menu", "es"),       # console --lang es
    # ... unless it is a global keyword with its own answer.
    (NEW, "AYUDA", "[help es: P]", "menu", "es"),
    (NEW, "911", "[emergency en]", "menu", "en"),
    (NEW, "Estoy en peligro!", "[emergency es]", "menu", "es"),
    # Global keywords work from anywhere, folded; the texter stays where they were.
    (AT_SIGNS, "danger", "[emergency en]", "signs", "en"),
    (AT_SIGNS, "I'M IN DANGER!!!", "[emergency en]", "signs", "en"),
    (AT_SIGNS, "please help, I'm in danger", "[emergency en]", "signs", "en"),
    (AT_SIGNS, "Ayúda!", "[help es: P]", "signs", "es"),        # a Spanish keyword answers in Spanish
    (AT_SIGNS, "help", "[help en: P]", "signs", "en"),
    (AT_TALK_ES, "help", "[help en: P]", "talk", "en"),          # ... and an English one in English
    (AT_TALK_ES, "911", "[emergency es]", "talk", "es"),         # words of both languages keep the language
    (AT_TALK_ES, "Stop", "[stopped es]", "talk", "es"),
    # Suicide and self-harm, from anywhere, in the texter's language; emergency comes first.
    (AT_TALK, "I want to kill myself", "[suicide en]", "talk", "en"),
    (AT_TALK, "me quiero morir", "[suicide es]", "talk", "es"),
    (AT_TALK, "suicide, I'm in danger", "[emergency en]", "talk", "en"),
    # Ways people say it, inside sentences, with typos.
    (AT_SIGNS, "please, I'm trapped", "[emergency en]", "signs", "en"),
    (AT_SIGNS, "he won't stop hurting me", "[emergency en]", "signs", "en"),   # never an opt-out
    (AT_SIGNS, "emergncia", "[emergency es]", "signs", "es"),    # one letter missing
    (AT_SIGNS, "dangr", "[emergency en]", "signs", "en"),
    (AT_SIGNS, "hepl", "[help en: P]", "signs", "en"),           # two letters swapped
    (AT_SIGNS, "helppp", "[help en: P]", "signs", "en"),         # a letter held down
    (AT_SIGNS, "911\x00", "[emergency en]", "signs", "en"),      # invisible characters do not hide a number
    # Topics lead to their page from anywhere, even on a first message.
    (AT_TALK, "my boss took my passport", "[labour en]", "labour", "en"),
    (NEW, "me quitaron el pasaporte", "[labour es]", "labour", "es"),
    # Menu words with a typo.
    (State(node="menu", lang="en", last_seen=NOW), "tlak", "[talk en]", "talk", "en"),
    (AT_SIGNS, "menu", "[menu en]", "menu", "en"),
    (AT_SIGNS, "0", "[menu en]", "menu", "en"),
    (AT_SIGNS, "Español", "[menu es]", "menu", "es"),
    (AT_TALK_ES, "ENGLISH", "[menu en]", "menu", "en"),
    (AT_TALK, "start", "[menu en]", "menu", "en"),              # START when not opted out: the menu
    # Choices: by digit or word; the node's own first, then the main menu's from any leaf.
    (State(node="menu", lang="en", last_seen=NOW), "1", "[talk en]", "talk", "en"),
    (State(node="menu", lang="en", last_seen=NOW), "Talk!", "[talk en]", "talk", "en"),
    (State(node="menu", lang="es", last_seen=NOW), "hablar", "[talk es]", "talk", "es"),
    (AT_SIGNS, "1", "[signs_more en]", "signs_more", "en"),     # the node's own "1" wins
    (AT_TALK, "2", "[signs en]", "signs", "en"),                 # main-menu "2" from a leaf
    # Unrecognised input: the general re-prompt with the node's hint in it; the texter stays put.
    (AT_SIGNS, "what?", "[reprompt en][signs hint en]", "signs", "en"),
    (AT_TALK, "what?", "[reprompt en]", "talk", "en"),
    (AT_TALK_ES, "x" * 5000, "[reprompt es]", "talk", "es"),
    # ZIP codes, from anywhere.
    # (These flows have no referral directory: the place is named; tests/test_engine_local.py has one.)
    (AT_TALK, "10001", "[local_found en: New York]", "local_found", "en"),
    (AT_TALK_ES, "10001", "[local_found es: Nueva York]", "local_found", "es"),
    (AT_TALK, "zip 20001-1234", "[local_found en: the District of Columbia]", "local_found", "en"),
    (AT_TALK, "00000", "[local_unknown en]", "local_unknown", "en"),
    (NEW, "90210", "[local_found en: California]", "local_found", "en"),
    (AT_TALK, "123456", "[reprompt en]", "talk", "en"),          # six digits is not a ZIP code
    # An idle conversation starts again at the welcome; its language is kept.
    (State(node="talk", lang="es", last_seen=NOW - 3601), "2", "[menu es]", "menu", "es"),
    (State(node="talk", lang="en", last_seen=NOW - 3599), "2", "[signs en]", "signs", "en"),
    # A stored conversation the flows no longer fit (a node renamed, a language dropped) starts again.
    (State(node="renamed_node", lang="en", last_seen=NOW - 60), "2", "[menu en]", "menu", "en"),
    (State(node="renamed_node", lang="en", last_seen=NOW - 60), "help", "[help en: P]", "menu", "en"),
    (State(node="talk", lang="fr", last_seen=NOW - 60), "hola", "[menu es]", "menu", "es"),
])
def test_step(before, message, says, node, lang):
    outcome = step(FLOWS, before, message, NOW, Options(program="P"))
    assert outcome.replies == (says,)
    assert (outcome.state.node, outcome.state.lang, outcome.state.last_seen) == (node, lang, NOW)


@pytest.mark.parametrize("message", ["stop", "STOP.", "Quit", "please stop texting me"])
def test_opt_out_is_confirmed_once(message):
    outcome = step(FLOWS, AT_TALK, message, NOW)
    assert outcome.replies == ("[stopped en]",)
    assert outcome.state.opted_out


@pytest.mark.parametrize("message", ["parar", "Deja de escribirme"])
def test_a_spanish_opt_out_is_confirmed_in_spanish(message):
    outcome = step(FLOWS, AT_TALK, message, NOW)
    assert outcome.replies == ("[stopped es]",)
    assert outcome.state.opted_out


@pytest.mark.parametrize("message", ["he won't stop hitting me", "stop it", "i can't stop crying", "stopp",
                                     "quit my job", "deletee", "startt", "starts", "STOP STOP"])
def test_opt_out_words_inside_a_sentence_or_misspelt_never_opt_out(message):
    outcome = step(FLOWS, AT_TALK, message, NOW)
    assert outcome.state is not None and not outcome.state.opted_out


def test_typos_never_reopt_in_or_erase():
    assert step(FLOWS, OPTED_OUT, "startt", NOW).state.opted_out
    assert step(FLOWS, AT_TALK, "delet", NOW).state is not None


@pytest.mark.parametrize(("message", "says", "still_opted_out"), [
    ("hi", None, True),
    ("1", None, True),
    ("stop", None, True),                       # no second confirmation
    ("10001", None, True),
    ("menu", None, True),
    ("help", "[help en: P]", True),             # HELP is a cry for help: always answered
    ("AYUDA", "[help es: P]", True),
    ("911", "[emergency en]", True),
    ("I want to kill myself", "[suicide en]", True),
    ("took my passport", None, True),           # topics and choices are not answered after STOP
    ("I'm in danger", "[emergency en]", True),
    ("START", "[started en]", False),
    ("unstop", "[started en]", False),
    ("yes", "[started en]", False),
])
def test_after_opt_out_only_help_emergency_and_start_are_answered(message, says, still_opted_out):
    outcome = step(FLOWS, OPTED_OUT, message, NOW, Options(program="P"))
    assert outcome.replies == ((says,) if says else ())
    assert outcome.state.opted_out is still_opted_out


def test_opt_out_outlives_an_idle_conversation():
    outcome = step(FLOWS, State(node="talk", lang="en", opted_out=True, last_seen=NOW - 10 * 86400), "hi", NOW)
    assert outcome.replies == ()
    assert outcome.state.opted_out


@pytest.mark.parametrize("before", [NEW, AT_TALK, OPTED_OUT])
def test_delete_erases_the_state_and_confirms_without_echo(before):
    outcome = step(FLOWS, before, "Delete", NOW)
    assert outcome.state is None
    assert outcome.replies == ("[erased en]",)


@pytest.mark.parametrize(("opted_out",), [(True,), (False,)])
def test_carrier_opt_records_the_state_and_says_nothing(opted_out):
    outcome = carrier_opt(AT_TALK, opted_out, NOW)
    assert outcome.replies == ()
    assert (outcome.state.opted_out, outcome.state.node, outcome.state.last_seen) == (opted_out, "talk", NOW)


def test_step_is_pure():
    assert step(FLOWS, AT_TALK, "2", NOW) == step(FLOWS, AT_TALK, "2", NOW)
    assert State(node="talk", lang="en", last_seen=NOW - 60) == AT_TALK


def test_a_flooding_sender_gets_one_notice_then_silence_but_cries_for_help_and_stop_still_work():
    options = Options(per_minute=5, pause=600)
    state, replies = AT_TALK, []
    for second in range(8):  # eight messages in eight seconds
        outcome = step(FLOWS, state, "what?", NOW + second, options)
        state, replies = outcome.state, [*replies, outcome.replies]
    assert replies[:5] == [("[reprompt en]",)] * 5
    assert replies[5] == ("[slowed en]",)             # one notice...
    assert replies[6:] == [(), ()]                     # ...then silence
    for message, says in (("help", "[help en: Trafficking Help Lines]"), ("911", "[emergency en]"),
                          ("I want to kill myself", "[suicide en]"), ("1", None)):
        outcome = step(FLOWS, state, message, NOW + 20, options)
        assert outcome.replies == ((says,) if says else ())
        state = outcome.state
    assert step(FLOWS, state, "stop", NOW + 21, options).state.opted_out
    later = step(FLOWS, state, "1", NOW + 5 + 600, options)  # the pause (from the notice on) is over
    assert later.replies == ("[talk en]",)


def test_the_rate_limit_counts_a_minute_at_a_time():
    options = Options(per_minute=3)
    state = AT_TALK
    for minute in range(4):
        for second in (0, 20, 40):
            outcome = step(FLOWS, state, "1", NOW + minute * 60 + second, options)
            assert outcome.replies == ("[talk en]",)
            state = outcome.state


@pytest.mark.parametrize(("before", "message", "chose"), [
    (AT_TALK, "2", ("menu", 2)),            # a main-menu number from a page with no choices of its own
    (AT_SIGNS, "1", ("signs", 1)),          # the page's own choice wins over the main menu's 1
    (AT_TALK, "hablar", ("menu", 1)),       # a word, in either language
    (AT_TALK, "signz", ("menu", 2)),        # a word with a typo, corrected
    (AT_TALK, "help", None),                # a global keyword is not a choice
    (AT_TALK, "took my passport", None),    # nor is a topic
    (AT_TALK, "what?", None),               # nothing picked: the re-prompt
    (NEW, "1", None),                       # a first message gets the welcome, whatever it says
])
def test_the_outcome_names_the_choice_a_message_picked(before: State, message: str, chose: tuple | None):
    assert step(FLOWS, before, message, NOW).chose == chose
