"""Conversation tokens for the web chat: random, issued by the server, checked without storing anything.

A token is `<nonce>.<tag>`: 18 random bytes and an HMAC of them under the pepper, both base64url. The
server can tell a token it issued from one a client made up, so nobody can pick a weak token, and it keeps
no list of tokens. The conversation is keyed by the pseudonym of "web:<token>", like a phone number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

NONCE_BYTES = 18  # 144 bits: a token cannot be guessed
_TAG_BYTES = 16
_DOMAIN = b"hotline-bot web chat token\0"  # keeps these HMACs apart from the pseudonyms made with the same pepper
_TOKEN = re.compile(r"([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{22})")
MAX_LENGTH = 47  # 24 + 1 + 22: anything longer is refused before any HMAC is computed


def issue(pepper: bytes) -> str:
    """A new, random conversation token."""
    nonce = _b64(secrets.token_bytes(NONCE_BYTES))
    return f"{nonce}.{_tag(pepper, nonce)}"


def is_valid(pepper: bytes, token: object) -> bool:
    """True when `token` is a string this server issued with this pepper."""
    if not isinstance(token, str) or len(token) > MAX_LENGTH:
        return False
    match = _TOKEN.fullmatch(token)
    return bool(match) and hmac.compare_digest(match.group(2), _tag(pepper, match.group(1)))


def sender(token: str) -> str:
    """The sender address `Hotline.answer` pseudonymises for this conversation."""
    return f"web:{token}"


def _tag(pepper: bytes, nonce: str) -> str:
    return _b64(hmac.new(pepper, _DOMAIN + nonce.encode(), hashlib.sha256).digest()[:_TAG_BYTES])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
