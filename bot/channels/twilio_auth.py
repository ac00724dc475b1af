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
from collections.abc import Iterator, Mapping

from flask import Request
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from bot import metrics

log = logging.getLogger(__name__)
ID_PREFIXES = {  # parameter -> the two letters its id starts with, when the request carries it
    "MessageSid": ("SM", "MM"),
    "SmsSid": ("SM", "MM"),
    "AccountSid": ("AC",),
    "MessagingServiceSid": ("MG",),
}
_HEX_DIGITS = re.compile("[0-9a-f]{32}")


MAX_FIELDS = 120  # Twilio sends a few dozen fields (up to 10 media URLs among them)
MAX_QUERY = 2048  # bytes: Twilio's own connection overrides (#rc=...) are a few dozen
SCAN_FROM = 1024  # bytes: a smaller body cannot hold enough fields to cost anything worth counting


def oversized(req: Request) -> bool:
    """A request far larger than any Twilio sends, told apart from the raw bytes before anything is parsed:
    a form of thousands of fields would cost CPU to parse and to check a signature over (issue 7)."""
    if len(req.query_string) > MAX_QUERY:
        return True
    if (req.content_length or 0) <= SCAN_FROM:
        return False
    body = req.get_data(cache=True)  # kept: the form is parsed from it later
    return body.count(b"&") + 1 > MAX_FIELDS


def from_twilio(req: Request, config: Mapping[str, object]) -> bool:
    """Whether `req` carries a valid Twilio signature and well-shaped ids (in development without a token,
    signatures are not checked). `config` is the app's: TWILIO_AUTH_TOKEN, HOTLINE_PUBLIC_URL."""
    token = config["TWILIO_AUTH_TOKEN"]
    if not token:
        return bool(config["HOTLINE_DEVELOPMENT"])
    url = checked_url(req, str(config["HOTLINE_PUBLIC_URL"]))
    signature = req.headers.get("X-Twilio-Signature", "")
    form = req.form
    if not signature or not _signed(RequestValidator(str(token)), url, _Params(form), signature):
        return _refuse("the signature does not match", url)
    for name, prefixes in ID_PREFIXES.items():
        values = form.getlist(name)
        if len(values) > 1 or (values and not _shaped(values[0], prefixes)):
            return _refuse(f"{name} is not shaped like a Twilio id", url)
    return True


def _shaped(value: str, prefixes: tuple[str, ...]) -> bool:
    """Two letters of `prefixes`, then 32 lower-case hex digits (matched in place: no slice, no set lookup a digit)."""
    return len(value) == 34 and value.startswith(prefixes) and _HEX_DIGITS.fullmatch(value, 2) is not None


class _Params:
    """A form as twilio's signature code reads it without an exception a field: it asks for `getall` first, and
    werkzeug's form has only `getlist`, so every field raised and caught an AttributeError (a quarter of the
    check's cost)."""

    __slots__ = ("_form", "getall")

    def __init__(self, form: MultiDict[str, str]) -> None:
        self._form = form
        self.getall = form.getlist

    def __iter__(self) -> Iterator[str]:
        return iter(self._form)

    def __len__(self) -> int:
        return len(self._form)


def _signed(validator: RequestValidator, url: str, form: _Params, signature: str) -> bool:
    """Twilio's validation, cheaper for the request that passes: `validate` computes the HMAC for the URL both
    with and without its port on every call, and Twilio signs the URL as configured, which is one of the two."""
    if hmac.compare_digest(validator.compute_signature(url, form), signature):
        return True
    return validator.validate(url, form, signature)


def checked_url(req: Request, base: str) -> str:
    """The URL Twilio signed: the public base URL + the path (and query), never what the Host header says."""
    # Flask's full_path ends in a bare "?" when there is no query string; Twilio's URL does not.
    path = req.full_path if req.query_string else req.path
    return base + path if base else req.url


def _refuse(why: str, url: str) -> bool:
    metrics.SIGNATURE_FAILURES.inc()
    log.warning("refused a webhook request: %s (checked against %s; if Twilio's own requests are refused, "
                "HOTLINE_PUBLIC_URL or TWILIO_AUTH_TOKEN is wrong)", why, url.split("?")[0])
    return False
