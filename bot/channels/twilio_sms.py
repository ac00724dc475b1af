"""POST /sms: the Twilio Messaging webhook (SMS and WhatsApp), a thin adapter around `Hotline`.

It checks the X-Twilio-Signature, hands sender, message id and body to the hotline, and answers
with TwiML holding at most one <Message>. It never logs the sender or the body.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

blueprint = Blueprint("twilio_sms", __name__)
# Twilio's Advanced Opt-Out already answered these; we only remember the opt state.
_CARRIER_OPT = {"STOP": True, "START": False}


@blueprint.post("/sms")
def sms() -> Response | tuple[str, int]:
    """Answer one inbound message with TwiML (403 if unsigned, 400 if it names no sender or id)."""
    if not _signed():
        return "Forbidden", 403
    sender, message_id = request.form.get("From", ""), request.form.get("MessageSid", "")
    if not sender or not message_id:
        return "Bad Request", 400
    hotline, now = current_app.extensions["hotline"], int(time.time())
    opt_out_type = request.form.get("OptOutType", "").strip().upper()
    if opt_out_type:
        if opt_out_type in _CARRIER_OPT:
            hotline.record_opt(sender, message_id, _CARRIER_OPT[opt_out_type], now)
        return _twiml(None)  # Twilio already replied: a second text would double up
    return _twiml(hotline.answer(sender, message_id, request.form.get("Body", ""), now))


def _signed() -> bool:
    """Whether the request carries a valid Twilio signature (always true in development without a token)."""
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token:
        return bool(current_app.config["HOTLINE_DEVELOPMENT"])
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    base = current_app.config["HOTLINE_PUBLIC_URL"]
    # Behind a TLS-terminating proxy Flask sees http://internal-host: check the public URL Twilio called.
    # Flask's full_path ends in a bare "?" when there is no query string; Twilio's URL does not.
    url = base + (request.full_path if request.query_string else request.path) if base else request.url
    return RequestValidator(token).validate(url, request.form, signature)


def _twiml(reply: str | None) -> Response:
    """TwiML with exactly one <Message> holding `reply`, or an empty <Response/> (send nothing) for None."""
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="text/xml")
