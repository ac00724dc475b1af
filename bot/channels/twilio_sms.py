"""POST /sms: the Twilio Messaging webhook (SMS and WhatsApp), a thin adapter around `Hotline`.

It checks that the request is from Twilio, hands sender, message id and body to the hotline, and answers
with TwiML holding at most one <Message>. It never logs the sender or the body.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.twilio_auth import from_twilio, oversized

blueprint = Blueprint("twilio_sms", __name__)
# Twilio's Advanced Opt-Out already answered these; we only remember the opt state.
_CARRIER_OPT = {"STOP": True, "START": False}


@blueprint.post("/sms")
def sms() -> Response | tuple[str, int]:
    """Answer one inbound message with TwiML (403 if not from Twilio, 400 if it names no sender or id)."""
    if oversized():
        return "Request Entity Too Large", 413
    if not from_twilio():
        return "Forbidden", 403
    sender, message_id = request.form.get("From", ""), request.form.get("MessageSid", "")
    missing = [name for name, value in (("From", sender), ("MessageSid", message_id)) if not value]
    if missing:
        return f"Bad Request: no {' and no '.join(missing)}", 400
    hotline, now = current_app.extensions["hotline"], int(time.time())
    opt_out_type = request.form.get("OptOutType", "").strip().upper()
    if opt_out_type:
        if opt_out_type in _CARRIER_OPT:
            hotline.record_opt(sender, message_id, _CARRIER_OPT[opt_out_type], now)
        return twiml(None)  # Twilio already replied: a second text would double up
    return twiml(hotline.answer(sender, message_id, request.form.get("Body", ""), now))


def twiml(reply: str | None) -> Response:
    """TwiML with exactly one <Message> holding `reply`, or an empty <Response/> (send nothing) for None."""
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="text/xml")
