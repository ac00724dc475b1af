"""POST /sms: the Twilio Messaging webhook (SMS and WhatsApp), a thin adapter around `Hotline`.

It checks that the request is from Twilio, hands sender, message id and body to the hotline, and answers
with TwiML holding at most one <Message>. It never logs the sender or the body.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, request

from bot.channels.twilio_auth import from_twilio, oversized

blueprint = Blueprint("twilio_sms", __name__)
# Twilio's Advanced Opt-Out already answered these; we only remember the opt state.
_CARRIER_OPT = {"STOP": True, "START": False}


@blueprint.post("/sms")
def sms() -> Response | tuple[str, int]:
    """Answer one inbound message with TwiML (403 if not from Twilio, 400 if it names no sender or id)."""
    # The request itself, not Flask's proxy to it: every attribute read through the proxy costs a context lookup.
    req = request._get_current_object()
    if oversized(req):
        return "Request Entity Too Large", 413
    if not from_twilio(req, current_app.config):
        return "Forbidden", 403
    form = req.form
    sender, message_id = form.get("From", ""), form.get("MessageSid", "")
    missing = [name for name, value in (("From", sender), ("MessageSid", message_id)) if not value]
    if missing:
        return f"Bad Request: no {' and no '.join(missing)}", 400
    hotline, now = current_app.extensions["hotline"], int(time.time())
    opt_out_type = form.get("OptOutType", "").strip().upper()
    if opt_out_type:
        if opt_out_type in _CARRIER_OPT:
            hotline.record_opt(sender, message_id, _CARRIER_OPT[opt_out_type], now)
        return twiml(None)  # Twilio already replied: a second text would double up
    return twiml(hotline.answer(sender, message_id, form.get("Body", ""), now))


def twiml(reply: str | None) -> Response:
    """TwiML with exactly one <Message> holding `reply`, or an empty <Response/> (send nothing) for None.

    Written directly (what twilio's MessagingResponse writes, at a fraction of the cost: it builds an
    ElementTree per reply); tests parse it back and compare it with MessagingResponse's."""
    if not reply:
        return Response(EMPTY, mimetype="text/xml")
    return Response(_message(reply), mimetype="text/xml")


@lru_cache(maxsize=1024)
def _message(reply: str) -> bytes:
    """The TwiML of one reply, kept: replies are the same few hundred texts of the flows (and pages of the
    directory), and making one XML-safe walks every character twice, the most of a message's cost after the
    engine's."""
    return f"{_HEAD}<Response><Message>{escape(_xml_safe(reply))}</Message></Response>".encode()


_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
EMPTY = f"{_HEAD}<Response />"
# Characters XML 1.0 cannot hold (what ElementTree would write and a parser would then refuse).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
