"""Sender addresses and their pseudonyms: the only module that handles a phone number."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

_NOT_DIGIT = re.compile(r"[^\d]")
_CHANNEL = re.compile(r"^([a-z]+):(.*)$", re.IGNORECASE)
# Senders that are phone numbers: replies cost money. Any other channel (web chat, the console) names its
# sender with an opaque token, kept exactly: stripped to its digits, two tokens could share a conversation.
PHONE_CHANNELS = frozenset({"sms", "whatsapp"})


def address_key(sender: str, default_channel: str = "sms") -> str:
    """Canonical "channel:+digits" for a sender such as "+1 (555) 123-4567" or "whatsapp:+15551234567";
    "channel:token", the token exactly as given, for a channel that is not a phone's ("web:Xy_9...")."""
    match = _CHANNEL.match(sender.strip())
    channel, number = (match.group(1).lower(), match.group(2)) if match else (default_channel, sender)
    if channel not in PHONE_CHANNELS:
        return f"{channel}:{number.strip()}"
    digits = _NOT_DIGIT.sub("", number)
    return f"{channel}:+{digits}" if digits else f"{channel}:{number.strip().lower()}"


PSEUDONYM_BYTES = 16  # 128 bits of the HMAC: no two senders share one in any real number of conversations


@dataclass(frozen=True)
class Identity:
    """What the rest of the bot may know of a sender: the channel, the pseudonym, the country (no number)."""

    channel: str
    pid: str
    region: str | None


def identify(pepper: bytes, sender: str) -> Identity:
    """The channel, pseudonym and country of `sender`, reading its address once."""
    address = address_key(sender)
    channel, _, rest = address.partition(":")
    return Identity(channel, _pseudonym(pepper, address), _region(channel, rest))


def pseudonym(pepper: bytes, sender: str) -> str:
    """HMAC-SHA256 of the sender's canonical address, its first 128 bits in URL-safe base64 (22 characters):
    stable per sender, not reversible without the pepper."""
    return _pseudonym(pepper, address_key(sender))


def _pseudonym(pepper: bytes, address: str) -> str:
    mac = _keyed(pepper).copy()
    mac.update(address.encode())
    return base64.urlsafe_b64encode(mac.digest()[:PSEUDONYM_BYTES]).decode().rstrip("=")


@lru_cache(maxsize=4)
def _keyed(pepper: bytes) -> hmac.HMAC:
    """HMAC-SHA256 keyed with `pepper`, fed nothing yet: copying it skips deriving the key's pads (and looking up
    the hash) on every message, the most of an HMAC's cost for a message this short."""
    return hmac.new(pepper, digestmod=hashlib.sha256)


def channel_of(sender: str) -> str:
    """The channel a sender writes on: "sms", "whatsapp", "web", "console"..."""
    return address_key(sender).partition(":")[0]


def region_of(sender: str) -> str | None:
    """The country (ISO region code, "US", "PR", "GB"...) of a phone sender; None for other channels or a
    sender that is no number at all. A number of a shared plan with no region of its own (+1 555...) counts
    as its plan's main country."""
    channel, _, number = address_key(sender).partition(":")
    return _region(channel, number)


def _region(channel: str, number: str) -> str | None:
    if channel not in PHONE_CHANNELS:
        return None
    # In the North American plan the area code fixes the region (+1 787 is Puerto Rico): look each up once.
    if number.startswith("+1") and len(number) == 12:
        return _region_of_area_code(number[:5])
    return _region_of_number(number)


@lru_cache(maxsize=1024)
def _region_of_area_code(prefix: str) -> str | None:
    """The region of the +1 numbers of area code `prefix` ("+1787"), from a number in it."""
    return _region_of_number(prefix + "2000000")


def _region_of_number(number: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code)
