"""Text handling: keyword normalisation and SMS segment counting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

_NOT_WORD = re.compile(r"[^a-z0-9ñ]+")
_SPACES = re.compile(r"\s+")

GSM_SEGMENT, GSM_PART = 160, 153
UCS2_SEGMENT, UCS2_PART = 70, 67


def normalise(text: str) -> str:
    """Fold case, accents, punctuation and spacing so "¡Ayúda!" and "ayuda" compare equal.

    "ñ" is kept (año is not ano); apostrophes vanish so "I'm" becomes "im".
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ñ", "\0"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace("\0", "ñ")
    folded = folded.replace("'", "").replace("\u2019", "")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", folded)).strip()


def contains_phrase(normalised: str, phrase: str) -> bool:
    """True when `phrase` (normalised) stands in `normalised` as whole words."""
    return f" {phrase} " in f" {normalised} "


@dataclass(frozen=True)
class Segments:
    """How an SMS body is sent: its encoding and the number of segments it costs."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    count: int


def gsm7_units(text: str) -> int | None:
    """Septets `text` costs in the GSM-7 alphabet (extension characters count two), or None if it cannot be."""
    try:
        return len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def segments(body: str) -> Segments:
    """Count the SMS segments `body` costs, the way carriers do (GSM-7 unless one character is not)."""
    units = gsm7_units(body)
    if units is not None:
        single, part, encoding = GSM_SEGMENT, GSM_PART, "GSM-7"
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, part, encoding = UCS2_SEGMENT, UCS2_PART, "UCS-2"
    count = 1 if units <= single else -(-units // part)
    return Segments(encoding, units, count)
