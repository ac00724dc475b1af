"""Phone numbers: parsed and validated with `phonenumbers`, and written the way a phone makes them tappable.

A directory number is a US number (any written form: "(800) 252-5400", "1-800-4LA-KIDS", "+18002525400")
or a US short number (988, 233733) that `phonenumbers` knows is valid. Anything else (made up, foreign, too
short) is refused with the reason, never texted.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, shortnumberinfo

REGION = "US"
# HSDS phone types (RFC 6350) -> how a texter uses the number; the rest cannot be used from a phone's keypad.
TYPES = {"voice": "voice", "cell": "voice", "text": "text", "sms": "text"}
UNUSABLE_TYPES = ("fax", "video", "pager", "textphone")
_E164_NANP = re.compile(r"^\+1\d{10}$")
US_REGIONS = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})  # the US and its territories in the +1 plan


class BadNumber(ValueError):
    """The text is not a number a texter in the US can call or text; the message says why."""


def parse(raw: object) -> str:
    """The E.164 form of a US number (+18002525400), or the digits of a valid US short number (988)."""
    text = str(raw).strip().strip('"').strip()
    if not text:
        raise BadNumber("the number is empty")
    if _E164_NANP.match(text) and _us_exchange(text[:8]):  # as the import writes it: checked by its exchange
        return text
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException as err:
        raise BadNumber(f'"{text}" is not a phone number ({_reason(err)})') from None
    if number.extension:
        raise BadNumber(f'"{text}" has an extension; put it in "press" instead')
    if phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_number(number)
        if region not in US_REGIONS:
            raise BadNumber(f'"{text}" is a number in another country ({region}); texters here may not reach it')
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    digits = phonenumbers.national_significant_number(number)
    if number.country_code == 1 and shortnumberinfo.is_valid_short_number_for_region(number, REGION):
        return digits
    raise BadNumber(f'"{text}" is not a valid US phone number (check the digits and the area code)')


@cache
def _us_exchange(prefix: str) -> bool:
    """True when every number of this +1 area code and exchange is a valid number of the 50 states and DC.

    For the US the +1 metadata decides by area code and exchange (the first 6 digits), not by the last 4,
    so one check stands for the whole exchange (a test holds this to phonenumbers). The territories'
    metadata looks further, so their numbers (and anything this says no to) get the full parse.
    """
    first, last = (PhoneNumber(country_code=1, national_number=int(prefix[2:] + end)) for end in ("0000", "9999"))
    return phonenumbers.region_code_for_number(first) == "US" == phonenumbers.region_code_for_number(last)


def tappable(number: str) -> str:
    """How the reply writes a number: 1-800-252-5400 (phones link it), or a short number as is."""
    if not number.startswith("+1") or len(number) != 12:
        return number
    return f"1-{number[2:5]}-{number[5:8]}-{number[8:]}"


def _reason(err: NumberParseException) -> str:
    return {
        NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        NumberParseException.NOT_A_NUMBER: "no digits in it",
        NumberParseException.TOO_SHORT_NSN: "too short",
        NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        NumberParseException.TOO_LONG: "too long",
    }.get(err.error_type, "cannot be read")
