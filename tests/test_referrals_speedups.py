"""The loader's fast paths give the same answers as the slow, obvious ones they replace."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.referrals.phones import US_REGIONS, BadNumber, parse
from bot.referrals.sms import gsm_units, segment_count
from bot.text import gsm7_units, segments

ALPHABET = st.characters(max_codepoint=0x3000) | st.sampled_from("€{}[]~|^\\ñÑáéíóúü¿¡😀\n\f")


@given(st.text(alphabet=ALPHABET, max_size=700))
def test_segment_count_agrees_with_bot_text(text):
    assert segment_count(text) == segments(text).count
    assert gsm_units(text) == gsm7_units(text)


def test_every_single_character_is_counted_as_bot_text_counts_it():
    assert [gsm_units(chr(c)) for c in range(0x3000)] == [gsm7_units(chr(c)) for c in range(0x3000)]


def _full_check(number: str) -> str | None:
    parsed = phonenumbers.parse(number)
    valid = phonenumbers.is_valid_number(parsed) and phonenumbers.region_code_for_number(parsed) in US_REGIONS
    return number if valid else None


@pytest.mark.parametrize("seed", range(3))
def test_e164_numbers_checked_by_exchange_match_a_full_parse(seed):
    rng = random.Random(seed)
    for _ in range(3000):
        number = f"+1{rng.randint(200, 999)}{rng.randint(0, 999):03d}{rng.randint(0, 9999):04d}"
        try:
            fast = parse(number)
        except BadNumber:
            fast = None
        assert fast == _full_check(number), number
