"""Sender addresses and their pseudonyms: the only module that handles a phone number."""

from __future__ import annotations

import hashlib
import hmac
import re

_NOT_DIGIT = re.compile(r"[^\d]")
_CHANNEL = re.compile(r"^([a-z]+):(.*)$", re.IGNORECASE)
# Channels whose addresses are phone numbers. Any other channel (web chat, the console) names its sender
# with an opaque token that is kept exactly: stripping it to digits would let two tokens share a key.
PHONE_CHANNELS = frozenset({"sms", "mms", "whatsapp"})


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
