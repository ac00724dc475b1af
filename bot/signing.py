"""Requests shaped and signed the way Twilio sends them: for trying the webhook locally and for replaying
conversations through it.

Twilio posts a form of a few dozen fields and signs the URL it was configured with plus every field's name and
value (twilio.md); the bot refuses ids of the wrong shape, so the ids made here have Twilio's shape.
"""

from __future__ import annotations

import secrets
import shlex
from collections.abc import Mapping

from twilio.request_validator import RequestValidator

FICTIONAL_SENDER = "+15550100000"  # 555-01xx numbers are reserved for fiction
FICTIONAL_SHORT_CODE = "+15550100099"


def new_sid(prefix: str = "SM") -> str:
    """A fresh id in Twilio's shape: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def inbound_form(body: str, sender: str = FICTIONAL_SENDER, message_sid: str | None = None,
                 **extra: str) -> dict[str, str]:
    """The fields Twilio posts for one inbound SMS (the ones the bot reads, and the usual others)."""
    sid = message_sid or new_sid()
    return {
        "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32, "MessagingServiceSid": "MG" + "0" * 32,
        "From": sender, "To": FICTIONAL_SHORT_CODE, "Body": body,
        "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01",
        **extra,
    }


def signature(url: str, form: Mapping[str, str], token: str) -> str:
    """The X-Twilio-Signature Twilio would send for `form` posted to `url` (the URL set in its console)."""
    return RequestValidator(token).compute_signature(url, dict(form))


def curl_command(url: str, form: Mapping[str, str], token: str) -> str:
    """A curl command posting `form` to `url` with Twilio's signature, ready to paste into a shell."""
    parts = ["curl", "-sS", "-X", "POST", url, "-H", f"X-Twilio-Signature: {signature(url, form, token)}"]
    for name, value in form.items():
        parts += ["--data-urlencode", f"{name}={value}"]
    return " ".join(shlex.quote(part) for part in parts)
