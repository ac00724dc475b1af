"""SMS segment counting at C speed, for packing pages: the same answer as `bot.text.segments`.

`bot.text.segments` encodes with the gsm0338 codec, one character at a time in Python (~100 us for a
page); the renderer counts every candidate page and the loader checks every record, so here the GSM-7
alphabet is read once from that codec's tables and a page is counted with str.translate.
A test checks that both agree on every page the shipped directory can send.
"""

from __future__ import annotations

import re
import unicodedata

from gsm0338.charset import BASIC_CHARACTER_SET, BASIC_CHARACTER_SET_EXTENSION

from bot.text import GSM_PART, GSM_SEGMENT, UCS2_PART, UCS2_SEGMENT


def _chars(table: dict) -> set[str]:
    found = set()
    for name in table.values():
        try:
            found.add(unicodedata.lookup(name))
        except KeyError:  # control characters the codec names its own way
            found.add({"LINE FEED": "\n", "FORM FEED": "\f", "CARRIAGE RETURN": "\r", "ESCAPE": "\x1b"}[name])
    return found


_EXTENSION = frozenset(_chars(BASIC_CHARACTER_SET_EXTENSION) - {"\x1b", "\f"} - _chars(BASIC_CHARACTER_SET)) | {"\f"}
_GSM = frozenset(_chars(BASIC_CHARACTER_SET) | _EXTENSION)
_DROP_GSM = {ord(c): None for c in _GSM}
_EXTENSION_RE = re.compile("[" + re.escape("".join(sorted(_EXTENSION))) + "]")


def gsm_units(text: str) -> int | None:
    """Septets `text` costs in GSM-7 (extension characters count two), or None if one character is not GSM-7."""
    if text.translate(_DROP_GSM):
        return None
    return len(text) + len(_EXTENSION_RE.findall(text))


def segment_count(text: str) -> int:
    """The number of SMS segments `text` costs (GSM-7 unless one character is not; then UCS-2)."""
    units = gsm_units(text)
    single, part = GSM_SEGMENT, GSM_PART
    if units is None:
        units, single, part = len(text.encode("utf-16-le")) // 2, UCS2_SEGMENT, UCS2_PART
    return 1 if units <= single else -(-units // part)
