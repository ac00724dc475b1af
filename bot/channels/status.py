"""POST /sms/status: Twilio's message status callbacks, signed like the webhook; counted, and acted on.

Error 21610 means the number unsubscribed at the carrier (it sent STOP to Twilio, which now refuses to
deliver to it): the conversation is marked opted out, so the bot stops trying.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, request

from bot import metrics
from bot.channels.twilio_auth import from_twilio, oversized

blueprint = Blueprint("twilio_status", __name__)
UNSUBSCRIBED = "21610"
STATUSES = frozenset({"accepted", "scheduled", "canceled", "queued", "sending", "sent", "failed", "delivered",
                      "undelivered", "receiving", "received", "read", "partially_delivered"})


@blueprint.post("/sms/status")
def status() -> tuple[str, int]:
    """Count the callback by status; mark an unsubscribed recipient opted out (403 if not from Twilio)."""
    if oversized(request):
        return "Request Entity Too Large", 413
    if not from_twilio(request, current_app.config):
        return "Forbidden", 403
    state = request.form.get("MessageStatus", request.form.get("SmsStatus", "")).strip().lower()
    metrics.STATUS_CALLBACKS.labels(state if state in STATUSES else "other").inc()
    recipient, message_id = request.form.get("To", ""), request.form.get("MessageSid", "")
    if request.form.get("ErrorCode", "").strip() == UNSUBSCRIBED and recipient and message_id:
        current_app.extensions["hotline"].record_opt(recipient, f"status:{message_id}", True, int(time.time()))
    return "", 204
