"""Every number the bot texts is a sourced fact: phone numbers, short codes and dial codes alike.

shared/tools/check_numbers.py (run by CI) checks 10-digit phone numbers; this also covers short codes
(233733, 741741, 88788), 3-digit lines (911, 988, 711) and the static fallback reply.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.fallback import STATIC_REPLY
from bot.flow import load_flows
from bot.flow.model import LANGUAGES
from bot.settings import REPO_FLOWS

FACTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hotline-facts.md"
NUMBER = re.compile(r"\d[\d-]{1,}\d")  # 911, 233733, 1-888-373-7888, 1-800 (of 1-800-THE-LOST)


def _texts() -> list[str]:
    flows = load_flows(REPO_FLOWS)
    texts = [STATIC_REPLY]
    for node in flows.nodes.values():
        for lang in LANGUAGES:
            texts.append(node.say.get(lang))
            if node.reprompt:
                texts.append(node.reprompt.get(lang))
    return texts


def test_every_number_the_bot_texts_is_in_the_facts_file():
    if not FACTS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{FACTS} is missing: CI must check numbers against the sourced facts")
        pytest.skip("shared/reference/hotline-facts.md is not beside this checkout")
    facts = FACTS.read_text(encoding="utf-8")
    numbers = {n for text in _texts() for n in NUMBER.findall(text)}
    assert {"911", "1-888-373-7888", "233733"} <= numbers
    assert sorted(n for n in numbers if n not in facts) == []
