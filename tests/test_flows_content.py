"""What the shipped flows promise texters: safety numbers where they must be, wording a crisis-line trainer
signed off, and every reply within 3 SMS. Counts come from the flows, never from this file."""

from __future__ import annotations

import re

import pytest

from bot.engine import Options, step
from bot.fallback import STATIC_REPLY
from bot.flow import load_flows
from bot.flow.checks import every_reply
from bot.flow.model import LANGUAGES
from bot.settings import REPO_FLOWS
from bot.state import State
from bot.text import segments

FLOWS = load_flows(REPO_FLOWS)
REPLIES = list(every_reply(FLOWS.nodes))
HOTLINE_CALL, HOTLINE_TEXT, EMERGENCY, LIFELINE = "1-888-373-7888", "233733", "911", "988"
SPANISH_NAME = "servicio nacional contra la trata de personas"
TOPIC_PAGES = sorted({topic.goto for topic in FLOWS.topics})
NOW = 1_800_000_000


def _ids(value: object) -> str:
    return value if isinstance(value, str) and len(value) < 20 else ""


@pytest.mark.parametrize(("node", "lang", "text"), REPLIES, ids=_ids)
def test_every_reply_fits_in_three_segments(node, lang, text):
    assert segments(text).count <= 3, f"{node} ({lang}) costs {segments(text)}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("node", ["menu", "help", "emergency", "suicide", "stopped", "erased", "local_found",
                                  "local_unknown", "reprompt", "slowed", *TOPIC_PAGES])
def test_safety_replies_and_topic_pages_carry_911_and_both_hotline_numbers(node, lang):
    for name, reply_lang, text in REPLIES:
        if (name, reply_lang) == (node, lang):
            assert EMERGENCY in text and HOTLINE_CALL in text and HOTLINE_TEXT in text, text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emergency_says_911_before_the_hotline_and_offers_988(lang):
    text = FLOWS.node("emergency").say.get(lang)
    assert text.index(EMERGENCY) < text.index(HOTLINE_CALL)
    assert LIFELINE in text


@pytest.mark.parametrize(("lang", "how"), [("en", "Call or text 988"), ("es", "marca 2"), ("es", "AYUDA al 988")])
def test_the_suicide_reply_gives_988_as_the_facts_say(lang, how):
    # hotline-facts.md rows 9-10: call or text 988; in Spanish call 988 and press 2, or text AYUDA to 988.
    assert how in FLOWS.node("suicide").say.get(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reprompt_says_it_is_automated_and_how_to_see_the_menu(lang):
    automated = {"en": "automated", "es": "automatizado"}[lang]
    reprompts = [text for name, reply_lang, text in REPLIES if (name, reply_lang) == ("reprompt", lang)]
    hints = [node.reprompt.get(lang) for node in FLOWS.nodes.values() if node.reprompt]
    assert len(reprompts) == len(hints) + 1  # each node's hint, and none
    for text in reprompts:
        assert automated in text and "MENU" in text and EMERGENCY in text and HOTLINE_CALL in text, text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_welcome_lists_every_main_menu_choice(lang):
    text = FLOWS.node(FLOWS.start).say.get(lang)
    digits = [c.digit for c in FLOWS.node(FLOWS.start).choices if c.digit]
    assert digits, "the main menu offers numbers"
    for digit in digits:
        assert f"\n{digit} " in text
    hint = FLOWS.node(FLOWS.start).reprompt.get(lang)
    assert max(digits, key=int) in hint  # "from 1 to 7" grows with the menu (as numbers: 10 comes after 9)


@pytest.mark.parametrize(("lang", "tip", "stop", "delete"), [
    ("en", "If someone checks your phone, delete these texts", "STOP: no more texts", "DELETE: erase"),
    ("es", "Si alguien revisa tu teléfono, borra estos mensajes", "PARAR: no recibir mensajes", "BORRAR: borrar"),
])
def test_the_welcome_carries_the_phone_safety_tip_and_what_stop_and_delete_do(lang, tip, stop, delete):
    text = FLOWS.node(FLOWS.start).say.get(lang)
    assert tip in text and stop in text and delete in text


def test_no_spanish_text_tells_someone_to_stop_the_bot_to_get_out():
    # "salir" also means getting out of a situation: "PARAR para salir" could silence someone who wants out.
    for _, lang, text in REPLIES:
        if lang == "es":
            assert "para salir" not in text


@pytest.mark.parametrize(("lang", "honest", "tip"), [
    ("en", "Your phone company and our text provider may still keep records", "delete these texts"),
    ("es", "nuestro proveedor de mensajes pueden guardar registros", "borra también estos mensajes"),
])
def test_delete_says_what_it_erased_and_what_others_keep(lang, honest, tip):
    text = FLOWS.node("erased").say.get(lang)
    assert "this service" in text or "este servicio" in text
    assert honest in text and tip in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_names_the_program_from_the_setting(lang):
    outcome = step(FLOWS, State(node="menu", lang=lang, last_seen=NOW), "HELP" if lang == "en" else "AYUDA", NOW,
                   Options(program="Ayuda Texto Sample Program"))
    assert "Ayuda Texto Sample Program" in outcome.replies[0]
    assert "hotline-bot" not in outcome.replies[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reporting_a_child_says_911_first_then_ncmec(lang):
    text = FLOWS.node("report").say.get(lang)
    assert text.index(EMERGENCY) < text.index("1-800-843-5678")


def test_spanish_uses_one_name_for_the_national_line_and_tu():
    for node, lang, text in REPLIES:
        if lang != "es":
            continue
        lowered = text.lower()
        assert "línea nacional" not in lowered and "linea nacional" not in lowered, node
        for mention in re.finditer(r"contra la trata", lowered):
            assert lowered[mention.start():].startswith("contra la trata de personas"), node
        assert "ayuda contra la trata" not in lowered, node
        for usted in ("usted", " llame ", " envíe ", " responda ", " escriba "):
            assert usted not in f" {lowered} ", (node, usted)
    assert any(SPANISH_NAME in text.lower() for _, lang, text in REPLIES if lang == "es")


def test_the_static_reply_carries_the_numbers_in_both_languages_and_fits():
    english, spanish = STATIC_REPLY.split("\n")
    for half in (english, spanish):
        assert EMERGENCY in half and HOTLINE_CALL in half and HOTLINE_TEXT in half
    assert segments(STATIC_REPLY).count <= 3


@pytest.mark.parametrize(("node", "lang", "text"), REPLIES, ids=_ids)
def test_no_retired_or_unsourced_claims(node, lang, text):
    # hotline-facts.md "Do not text these"
    assert "BeFree" not in text
    assert "press 3" not in text and "marca 3" not in text
    assert "678-678" not in text
    assert "%" not in text  # no statistics in replies
    assert "Childhelp" not in text or "report" not in text.split("Childhelp")[1].split("\n")[0].lower()


def test_the_directory_names_the_national_line_as_the_flows_do():
    texts = [service.name.es for service in FLOWS.directory.services]
    texts += [text.es for text in FLOWS.directory.words.texts.values()]
    for text in texts:
        lowered = text.lower()
        for mention in re.finditer(r"contra la trata", lowered):
            assert lowered[mention.start():].startswith("contra la trata de personas"), text
        assert "línea nacional" not in lowered and "ayuda contra la trata" not in lowered, text
