"""Is this request really from Twilio? Its signature, checked against the public URL, and the shape of its ids.

Twilio signs the URL plus every parameter's name and value run together, so a captured request can be
re-cut: `MessageSid=SM…MessagingServiceSidMG…` with `MessagingServiceSid` removed signs the same. Real ids
have a fixed shape (two letters and 32 hex digits), which a shifted boundary breaks: such a request is refused
like a bad signature. A refusal is counted and logged with the URL that was checked (never a secret), so a
wrong HOTLINE_PUBLIC_URL shows up at once.
"""

from __future__ import annotations

import hmac
import logging
import re

from flask import current_app, request
from twilio.request_validator import RequestValidator

from bot import metrics

log = logging.getLogger(__name__)
ID_SHAPES = {  # parameter -> its shape, when the request carries it
    "MessageSid": re.compile(r"^(SM|MM)[0-9a-f]{32}$"),
    "SmsSid": re.compile(r"^(SM|MM)[0-9a-f]{32}$"),
    "AccountSid": re.compile(r"^AC[0-9a-f]{32}$"),
    "MessagingServiceSid": re.compile(r"^MG[0-9a-f]{32}$"),
}


MAX_FIELDS = 120  # Twilio sends a few dozen fields (up to 10 media URLs among them)
MAX_QUERY = 2048  # bytes: Twilio's own connection overrides (#rc=...) are a few dozen
SCAN_FROM = 1024  # bytes: a smaller body cannot hold enough fields to cost anything worth counting


def oversized() -> bool:
    """A request far larger than any Twilio sends, told apart from the raw bytes before anything is parsed:
    a form of thousands of fields would cost CPU to parse and to check a signature over (issue 7)."""
    if len(request.query_string) > MAX_QUERY:
        return True
    if (request.content_length or 0) <= SCAN_FROM:
        return False
    body = request.get_data(cache=True)  # kept: the form is parsed from it later
    return body.count(b"&") + 1 > MAX_FIELDS


def from_twilio() -> bool:
    """Whether the current request carries a valid Twilio signature and well-shaped ids (in development
    without a token, signatures are not checked)."""
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token:
        return bool(current_app.config["HOTLINE_DEVELOPMENT"])
    url = checked_url()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not _signed(RequestValidator(token), url, signature):
        return _refuse("the signature does not match", url)
    for name, shape in ID_SHAPES.items():
        values = request.form.getlist(name)
        if len(values) > 1 or (values and not shape.match(values[0])):
            return _refuse(f"{name} is not shaped like a Twilio id", url)
    return True


def _signed(validator: RequestValidator, url: str, signature: str) -> bool:
    """Twilio's validation, cheaper for the request that passes: `validate` computes the HMAC for the URL both
    with and without its port on every call, and Twilio signs the URL as configured, which is one of the two."""
    if hmac.compare_digest(validator.compute_signature(url, request.form), signature):
        return True
    return validator.validate(url, request.form, signature)


def checked_url() -> str:
    """The URL Twilio signed: the public base URL + the path (and query), never what the Host header says."""
    base = current_app.config["HOTLINE_PUBLIC_URL"]
    # Flask's full_path ends in a bare "?" when there is no query string; Twilio's URL does not.
    path = request.full_path if request.query_string else request.path
    return base + path if base else request.url


def _refuse(why: str, url: str) -> bool:
    metrics.SIGNATURE_FAILURES.inc()
    log.warning("refused a webhook request: %s (checked against %s; if Twilio's own requests are refused, "
                "HOTLINE_PUBLIC_URL or TWILIO_AUTH_TOKEN is wrong)", why, url.split("?")[0])
    return False
