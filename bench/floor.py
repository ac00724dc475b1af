"""The floor the bot is measured against: the least a Twilio webhook backed by Redis can do.

Same stack as the bot (Flask under gunicorn, redis-py, twilio's RequestValidator): check the signature,
GET one key, SET it with a TTL, answer with TwiML. Run by `bench.http` beside the bot:

    gunicorn 'bench.floor:create_app()'   (REDIS_URL, TWILIO_AUTH_TOKEN and HOTLINE_PUBLIC_URL set)
"""

from __future__ import annotations

import hashlib
import os

import redis
from flask import Flask, Response, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

REPLY = "If you are in danger now, call 911. Hotline: call 1-888-373-7888 or text 233733."


def create_app() -> Flask:
    """The floor app: signature, one GET, one SET, TwiML."""
    app = Flask(__name__)
    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5)
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    base = os.environ["HOTLINE_PUBLIC_URL"].rstrip("/")

    @app.post("/sms")
    def sms() -> Response | tuple[str, int]:
        if not validator.validate(base + request.path, request.form, request.headers.get("X-Twilio-Signature", "")):
            return "Forbidden", 403
        key = "floor:" + hashlib.sha256(request.form.get("From", "").encode()).hexdigest()[:32]
        client.get(key)
        client.set(key, "1", ex=3600)
        response = MessagingResponse()
        response.message(REPLY)
        return Response(str(response), mimetype="text/xml")

    return app
