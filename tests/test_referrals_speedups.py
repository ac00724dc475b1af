"""The loader's fast paths give the same answers as the slow, obvious ones they replace."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from bot.referrals.phones import US_REGIONS, BadNumber, parse


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
