"""What the shipped flows promise texters: safety numbers where they must be, and every reply fits in 3 SMS."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.fallback import STATIC_REPLY
from bot.flow import load_flows
from bot.flow.model import LANGUAGES
from bot.places import NAMES
from bot.settings import REPO_FLOWS
from bot.text import segments

FLOWS = load_flows(REPO_FLOWS)
FACTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hotline-facts.md"
NUMBER = re.compile(r"\d[\d-]{1,}\d")  # 911, 233733, 1-888-373-7888, 1-800 (of 1-800-THE-LOST)
HOTLINE_CALL, HOTLINE_TEXT, EMERGENCY = "1-888-373-7888", "233733", "911"


def _every_reply() -> list[tuple[str, str, str]]:
    """(node, lang, text) for every text the bot can send, with {place} filled by every place name."""
    replies = []
    for node in FLOWS.nodes.values():
        for lang in LANGUAGES:
            texts = [node.say.get(lang)] + ([node.reprompt.get(lang)] if node.reprompt else [])
            for text in texts:
                if node.name == "local_found":
                    replies += [(node.name, lang, text.format(place=names[lang == "es"])) for names in NAMES.values()]
                else:
                    replies.append((node.name, lang, text.format()))
    return replies


@pytest.mark.parametrize(("node", "lang", "text"), _every_reply(), ids=lambda v: v if len(v) < 20 else "")
def test_every_reply_fits_in_three_segments(node, lang, text):
    assert segments(text).count <= 3, f"{node} ({lang}) costs {segments(text)}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("node", ["menu", "help", "emergency", "stopped", "local_found", "local_unknown"])
def test_safety_replies_carry_911_and_both_hotline_numbers(node, lang):
    text = FLOWS.node(node).say.get(lang)
    assert EMERGENCY in text and HOTLINE_CALL in text and HOTLINE_TEXT in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emergency_says_911_before_the_hotline(lang):
    text = FLOWS.node("emergency").say.get(lang)
    assert text.index(EMERGENCY) < text.index(HOTLINE_CALL)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_welcome_lists_all_seven_menu_items(lang):
    text = FLOWS.node(FLOWS.start).say.get(lang)
    assert [c.digit for c in FLOWS.node(FLOWS.start).choices] == [str(d) for d in range(1, 8)]
    for digit in range(1, 8):
        assert f"\n{digit} " in text


def test_the_static_reply_carries_the_numbers_in_both_languages_and_fits():
    english, spanish = STATIC_REPLY.split("\n")
    for half in (english, spanish):
        assert EMERGENCY in half and HOTLINE_CALL in half and HOTLINE_TEXT in half
    assert segments(STATIC_REPLY).count <= 3


@pytest.mark.parametrize(("node", "lang", "text"), _every_reply(), ids=lambda v: v if len(v) < 20 else "")
def test_no_retired_or_unsourced_claims(node, lang, text):
    # hotline-facts.md "Do not text these"
    assert "BeFree" not in text
    assert "press 3" not in text and "marca 3" not in text
    assert "678-678" not in text
    assert "%" not in text  # no statistics in replies


def test_every_number_the_bot_texts_is_in_the_facts_file():
    # shared/tools/check_numbers.py (run by CI) checks 10-digit phone numbers; this also covers short codes
    # (233733, 741741, 88788), 3-digit lines (911, 988, 711) and the static fallback reply.
    if not FACTS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{FACTS} is missing: CI must check numbers against the sourced facts")
        pytest.skip("shared/reference/hotline-facts.md is not beside this checkout")
    facts = FACTS.read_text(encoding="utf-8")
    numbers = {n for text in [STATIC_REPLY, *(t for _, _, t in _every_reply())] for n in NUMBER.findall(text)}
    assert {"911", "1-888-373-7888", "233733"} <= numbers
    assert sorted(n for n in numbers if n not in facts) == []
