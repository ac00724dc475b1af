"""Sender addresses and their pseudonyms: the only module that handles a phone number."""

from __future__ import annotations

import hashlib
import hmac
import re

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


def pseudonym(pepper: bytes, sender: str) -> str:
    """HMAC-SHA256 of the sender's canonical address: stable per sender, not reversible without the pepper."""
    return hmac.new(pepper, address_key(sender).encode(), hashlib.sha256).hexdigest()


def channel_of(sender: str) -> str:
    """The channel a sender writes on: "sms", "whatsapp", "web", "console"..."""
    return address_key(sender).partition(":")[0]


def region_of(sender: str) -> str | None:
    """The country (ISO region code, "US", "PR", "GB"...) of a phone sender; None for other channels or a
    sender that is no number at all. A number of a shared plan with no region of its own (+1 555...) counts
    as its plan's main country."""
    key = address_key(sender)
    channel, _, number = key.partition(":")
    if channel not in PHONE_CHANNELS:
        return None
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code)
