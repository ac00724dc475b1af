"""Text handling: keyword normalisation and SMS segment counting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gsm0338.charset import BASIC_CHARACTER_SET, BASIC_CHARACTER_SET_EXTENSION

_NOT_WORD = re.compile(r"[^a-z0-9ñ]+")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans("", "", "'`\u2018\u2019\u02bc")  # "I'm", "I’m", "Iʼm" all become "im"
_SPACE_BEFORE_NEWLINE = re.compile(r"[ \t]+\n")
_TILDE = "\u0303"  # what NFKD leaves of the tilde of ñ
# ASCII control characters: whitespace ones separate words, the rest (NUL, BEL, ...) are dropped.
_ASCII_CONTROLS = {c: (" " if chr(c).isspace() else None) for c in (*range(32), 127)}

GSM_SEGMENT, GSM_PART = 160, 153
UCS2_SEGMENT, UCS2_PART = 70, 67


def normalise(text: str) -> str:
    """Fold case, accents, punctuation and spacing so "¡Ayúda!" and "ayuda" compare equal.

    Invisible characters go first (NUL, zero-width spaces, direction marks: "911\\x00" is "911"), then
    accents; "ñ" is kept (año is not ano); apostrophes vanish so "I'm" becomes "im".
    """
    # ASCII is the common case, and needs no walk over every character.
    folded = text.translate(_ASCII_CONTROLS).lower() if text.isascii() else _fold_unicode(text)
    folded = folded.translate(_APOSTROPHES)
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", folded)).strip()


def _fold_unicode(text: str) -> str:
    """Lower case without invisible characters or accents, except the tilde of ñ."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char):
            if char == _TILDE and kept and kept[-1] == "n":
                kept[-1] = "ñ"
        elif unicodedata.category(char)[0] != "C":  # Cc controls, Cf formats, Co private use, Cn unassigned
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
    return "".join(kept)


def fill(template: str, **values: str) -> str:
    """`template` with its {placeholders} filled ({{ and }} are literal braces); a placeholder filled with
    nothing leaves no stray space at the end of its line."""
    return _SPACE_BEFORE_NEWLINE.sub("\n", template.format_map(values)).strip()


def contains_phrase(normalised: str, phrase: str) -> bool:
    """True when `phrase` (normalised) stands in `normalised` as whole words."""
    return f" {phrase} " in f" {normalised} "


@dataclass(frozen=True)
class Segments:
    """How an SMS body is sent: its encoding and the number of segments it costs."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    count: int


def _characters(table: dict) -> set[str]:
    """The characters of one of gsm0338's tables (it names them as Unicode does, controls its own way)."""
    found = set()
    for name in table.values():
        try:
            found.add(unicodedata.lookup(name))
        except KeyError:
            found.add({"LINE FEED": "\n", "FORM FEED": "\f", "CARRIAGE RETURN": "\r", "ESCAPE": "\x1b"}[name])
    return found


# The GSM 03.38 alphabet, read once from the gsm0338 package's tables: its codec encodes a character at a time
# in Python (~170 us a reply), while str.translate counts at C speed. tests/test_text.py holds them equal.
_GSM_EXTENSION = frozenset(_characters(BASIC_CHARACTER_SET_EXTENSION) - {"\x1b", "\f"}
                           - _characters(BASIC_CHARACTER_SET)) | {"\f"}
_GSM_DROP = {ord(c): None for c in _characters(BASIC_CHARACTER_SET) | _GSM_EXTENSION}
_GSM_EXTENSION_RE = re.compile("[" + re.escape("".join(sorted(_GSM_EXTENSION))) + "]")


def gsm7_units(text: str) -> int | None:
    """Septets `text` costs in the GSM-7 alphabet (extension characters count two), or None if it cannot be."""
    if text.translate(_GSM_DROP):
        return None
    return len(text) + len(_GSM_EXTENSION_RE.findall(text))


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
