"""ZIP code -> the state or territory it belongs to, in English or Spanish (the engine's ZIP reply today).

Kept for the engine and the flow checks until they use the referral directory (`bot.referrals`);
everything here is answered from `bot.referrals.places`, the one ZIP index.
"""

from __future__ import annotations

from bot.referrals.places import NAMES, ZIP, by_zip

__all__ = ["NAMES", "ZIP", "place_name", "state_code"]


def state_code(zip_code: str) -> str | None:
    """The USPS state code of a 5-digit ZIP code, or None if it is not a ZIP code we know."""
    place = by_zip(zip_code) if len(zip_code) == 5 and zip_code.isdigit() else None
    return place.state if place else None


def place_name(zip_code: str, lang: str) -> str | None:
    """The name of the state or territory of `zip_code` in `lang`, or None when it names no place."""
    names = NAMES.get(state_code(zip_code) or "")
    return None if names is None else names[1 if lang == "es" else 0]
