"""A reply as the web page shows it: the same text, cut into parts, the numbers and addresses made links.

Phone numbers (found by `phonenumbers`) become `tel:` links; 911, 988 and 711 too; a short code that is
texted ("text 233733", "manda AYUDA al 741741") becomes an `sms:` link; a web address becomes an `https:`
link. Nothing is added or removed: joining the parts' texts gives back the reply exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

# Three-digit lines the replies may name: emergency, suicide and crisis, relay for deaf callers (TTY).
_THREE_DIGIT = re.compile(r"(?<![\w-])(911|988|711)(?![\w-])")
# A 5- or 6-digit number (a short code), linked only when a texting word stands shortly before it in the
# same sentence: ZIP codes and other figures stay plain text.
_SHORT_CODE = re.compile(r"(?<![\w-])(\d{5,6})(?![\w-])")
_TEXTING = re.compile(r"\b(text|texts|texting|sms|texto|mensaje|manda|mande|env[ií]a)\b", re.IGNORECASE)
_TEXTING_WINDOW = 40  # characters before a short code searched for a texting word
# "humantraffickinghotline.org", "report.cybertip.org", "https://988lifeline.org/chat".
_WEB_ADDRESS = re.compile(
    r"(?<![\w@/.-])((?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:org|gov|com|net|us|me)(?:/[^\s)]*)?)"
    r"(?<![.,;:!?])", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """A run of reply text, and where it links to (None: plain text)."""

    text: str
    href: str | None = None

    def as_json(self) -> dict[str, str]:
        """{"text": ...} or {"text": ..., "href": ...}, as the page's script reads it."""
        return {"text": self.text} if self.href is None else {"text": self.text, "href": self.href}


@lru_cache(maxsize=1024)  # replies come from the flows, a few hundred texts: phonenumbers is slow (~0.2 ms a reply)
def parts(text: str) -> tuple[Part, ...]:
    """`text` cut into plain runs and links, in order; "".join(p.text for p in parts(text)) == text."""
    links = sorted(_links(text))
    result, position = [], 0
    for start, end, href in links:
        if start < position:  # overlaps a link already taken (a phone number wins over what is inside it)
            continue
        if start > position:
            result.append(Part(text[position:start]))
        result.append(Part(text[start:end], href))
        position = end
    if position < len(text):
        result.append(Part(text[position:]))
    return tuple(result)


def _links(text: str) -> list[tuple[int, int, str]]:
    """Every link found in `text` as (start, end, href); phone numbers first, so they win overlaps."""
    found = [*_phone_numbers(text)]
    taken = [(start, end) for start, end, _ in found]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _THREE_DIGIT.finditer(text):
        if free(*match.span(1)):
            found.append((*match.span(1), f"tel:{match.group(1)}"))
    for match in _SHORT_CODE.finditer(text):
        before = text[max(0, match.start() - _TEXTING_WINDOW):match.start()]
        sentence = re.split(r"[.\n]", before)[-1]
        if free(*match.span(1)) and _TEXTING.search(sentence):
            found.append((*match.span(1), f"sms:{match.group(1)}"))
    for match in _WEB_ADDRESS.finditer(text):
        address = match.group(1)
        if free(*match.span(1)):
            href = address if address.lower().startswith(("http://", "https://")) else f"https://{address}"
            found.append((*match.span(1), href))
    return found


def _phone_numbers(text: str) -> list[tuple[int, int, str]]:
    """US phone numbers in `text` as (start, end, "tel:+1..."), e.g. 1-888-373-7888 or (1-800-843-5678)."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        start, end = match.start, match.end
        if text[start] == "(" and ")" not in text[start:end]:  # "(1-800-843-5678)": the matcher takes the "("
            start += 1
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((start, end, f"tel:{e164}"))
    return found
