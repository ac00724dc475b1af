"""The Twilio webhook, POST /sms: signatures, odd input, duplicates, opt-out, and failures, as tables of cases.

In the style of courier's handlers/twiml/handlers_test.go: each case is the form Twilio posts, how it is
signed, the status expected, and what the reply must contain (or that no message is sent).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug import Request
from werkzeug.test import TestResponse

from bot import ConfigError, create_app, store
from bot.fallback import STATIC_REPLY
from bot.identity import pseudonym
from bot.state import State
from tests.redis_server import RedisServer, free_port

TOKEN = "test-token"
PEPPER = "test pepper: 32 bytes or more, not the token"
PUBLIC_URL = "https://bot.example.org"
WEBHOOK = PUBLIC_URL + "/sms"  # the URL configured in the Twilio console, which Twilio signs
INTERNAL = "http://internal-host:8000"  # what Flask sees behind the TLS-terminating proxy
SENDER = "+15550100001"  # fictional (555-01xx)
HOTLINE = ("911", "1-888-373-7888", "233733")
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY = 1600

# How a case is signed.
SIGNED = "signed"  # twilio's RequestValidator.compute_signature over the public URL and the form
HAND = "hand-signed"  # HMAC-SHA1 computed here from Twilio's documented construction
BAD = "bad signature"  # a well-formed signature of nothing
NONE = "no signature"  # no X-Twilio-Signature header at all
OTHER_URL = "signed for another URL"  # a valid signature, replayed to a different webhook
TAMPERED = "body changed after signing"
INTERNAL_URL = "signed for the URL Flask sees"  # what a validator using request.url would accept

NO_MESSAGE = "no message"  # the reply must be an empty <Response/>
_sids = itertools.count(1)


def sid() -> str:
    """A fresh MessageSid."""
    return f"SM{next(_sids):032x}"


def inbound(body: str | None = "hi", sender: str | None = SENDER, message_sid: str | None = "", **extra: str) -> dict:
    """The form Twilio posts for an inbound message (None leaves a field out; "" for the sid: a fresh one)."""
    form = {"AccountSid": "AC" + "0" * 32, "MessagingServiceSid": "MG" + "0" * 32, "To": "+15550100099",
            "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    for name, value in (("From", sender), ("MessageSid", sid() if message_sid == "" else message_sid),
                        ("Body", body)):
        if value is not None:
            form[name] = value
    return form | extra


def hand_signature(url: str, params: Mapping[str, str], token: str = TOKEN) -> str:
    """Twilio's construction: Base64(HMAC-SHA1(token, url + every name+value, sorted by name))."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def server_form(form: Mapping[str, str] | bytes):
    """The form exactly as the server will parse it (a raw body may hold bytes that are not UTF-8)."""
    if isinstance(form, bytes):
        return Request.from_values(method="POST", data=form, content_type=FORM_TYPE).form
    return form


def signature_for(how: str, form: Mapping[str, str] | bytes, url: str) -> str | None:
    """The X-Twilio-Signature a case sends."""
    params = server_form(form)
    validator = RequestValidator(TOKEN)
    if how == HAND:
        assert hand_signature(url, params) == validator.compute_signature(url, params)
        return hand_signature(url, params)
    if how == BAD:
        return base64.b64encode(b"\0" * 20).decode()
    if how == NONE:
        return None
    if how == OTHER_URL:
        return validator.compute_signature("https://attacker.example.net/sms", params)
    if how == TAMPERED:
        return validator.compute_signature(url, {**params, "Body": "something else"})
    if how == INTERNAL_URL:
        return validator.compute_signature(INTERNAL + "/sms", params)
    return validator.compute_signature(url, params)


def make_app(**overrides: str) -> Flask:
    """The app as deployed (a token, so every signature is checked; a pepper; behind a proxy), on an embedded
    store: development mode only because production requires a Redis server (see test_production_app)."""
    return create_app({"HOTLINE_ENV": "development", "TWILIO_AUTH_TOKEN": TOKEN, "HOTLINE_PEPPER": PEPPER,
                       "HOTLINE_PUBLIC_URL": PUBLIC_URL, "HOTLINE_SPOOL_DIR": tempfile.mkdtemp(prefix="spool-"),
                       **overrides})


def post(client: FlaskClient, form: Mapping[str, str] | bytes, how: str = SIGNED, url: str = WEBHOOK,
         path: str = "/sms", base_url: str = INTERNAL) -> TestResponse:
    """POST `form` (a dict, or a raw urlencoded body) to the webhook, signed as `how` says for `url`."""
    signature = signature_for(how, form, url)
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    if isinstance(form, bytes):
        return client.post(path, data=form, content_type=FORM_TYPE, headers=headers, base_url=base_url)
    return client.post(path, data=dict(form), headers=headers, base_url=base_url)


def messages(response: TestResponse) -> list[str]:
    """The <Message> texts of a TwiML reply, checking it is well-formed and that each fits one Twilio message."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype in ("text/xml", "application/xml")
    root = ET.fromstring(response.get_data())
    assert root.tag == "Response"
    assert all(child.tag == "Message" for child in root), ET.tostring(root)
    texts = [child.text or "" for child in root]
    assert len(texts) <= 1, "at most one <Message>: several may arrive out of order"
    assert all(0 < len(text) <= MAX_BODY for text in texts)
    return texts


def reply(response: TestResponse) -> str | None:
    """The single message sent, or None when the reply is an empty <Response/>."""
    texts = messages(response)
    return texts[0] if texts else None


def assert_hotline(text: str | None) -> None:
    """The flows' reply (not the static fallback) carries 911 and the national hotline's call and text numbers."""
    assert text is not None
    assert text != STATIC_REPLY, "the flows should have answered, not the fallback"
    for fragment in HOTLINE:
        assert fragment in text, f"{fragment!r} missing from {text!r}"


def raw(**fields: str) -> bytes:
    """A urlencoded body whose values may hold lone surrogates, percent-encoded as their (invalid) UTF-8 bytes."""
    pairs = (f"{name}={quote(value, safe='', errors='surrogatepass')}" for name, value in fields.items())
    return "&".join(pairs).encode()


@pytest.fixture
def app() -> Flask:
    """A production app on a fresh embedded store and the repository's flows."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for `app`."""
    return app.test_client()


WEBHOOK_CASES = [
    # form, signing, status, expected reply: HOTLINE (the flows' reply, with 911 and the hotline's numbers),
    # NO_MESSAGE (an empty <Response/>), or None (refused: not TwiML)
    pytest.param(inbound("hi"), SIGNED, 200, HOTLINE, id="valid first message"),
    pytest.param(inbound("hi"), HAND, 200, HOTLINE, id="valid, hand-computed HMAC-SHA1"),
    pytest.param(inbound("Hola", sender="whatsapp:+15550100002"), SIGNED, 200, HOTLINE, id="WhatsApp sender"),
    pytest.param(inbound("hi", FromCity="X", SomeFutureParam="y"), HAND, 200, HOTLINE,
                 id="unknown extra parameters are signed too"),
    pytest.param(b"From=%2B15550100001&MessageSid=SM" + b"a" * 32 + b"&Body=hi&Extra=b&Extra=a", SIGNED, 200, HOTLINE,
                 id="a repeated parameter: every value is signed"),
    pytest.param(inbound("hi"), BAD, 403, None, id="bad signature"),
    pytest.param(inbound("hi"), NONE, 403, None, id="missing signature"),
    pytest.param(inbound("hi"), OTHER_URL, 403, None, id="signature for another URL"),
    pytest.param(inbound("hi"), TAMPERED, 403, None, id="body changed after signing"),
    pytest.param(inbound("hi"), INTERNAL_URL, 403, None, id="signed for the internal URL, not the public one"),
    pytest.param(inbound(sender=None), NONE, 403, None, id="missing From and signature: 403 first"),
    pytest.param(inbound(sender=None), SIGNED, 400, None, id="missing From"),
    pytest.param(inbound(sender=""), SIGNED, 400, None, id="empty From"),
    pytest.param(inbound(message_sid=None), SIGNED, 400, None, id="missing MessageSid"),
    pytest.param(inbound(body=None), SIGNED, 200, HOTLINE, id="no Body"),
    pytest.param(inbound(""), SIGNED, 200, HOTLINE, id="empty Body"),
    pytest.param(inbound("   \n\t "), SIGNED, 200, HOTLINE, id="whitespace Body"),
    pytest.param(inbound(None, NumMedia="1", MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC0/Media/ME0",
                         MediaContentType0="image/jpeg"), SIGNED, 200, HOTLINE, id="media only"),
    pytest.param(inbound("a" * MAX_BODY), SIGNED, 200, HOTLINE, id="Body of 1600 chars"),
    pytest.param(inbound("x " * 5000), SIGNED, 200, HOTLINE, id="Body far over 1600 chars"),
    pytest.param(inbound("🆘🙏 help?"), SIGNED, 200, HOTLINE, id="emoji"),
    pytest.param(inbound("مرحبا שלום \u202eevil\u202c"), SIGNED, 200, HOTLINE, id="RTL and bidi controls"),
    pytest.param(inbound("hi\x00there\x00"), SIGNED, 200, HOTLINE, id="NUL bytes"),
    pytest.param(inbound("\x01\x02\x7f\x1b[31m\ufffe\uffff"), SIGNED, 200, HOTLINE, id="binary junk"),
    pytest.param(raw(From=SENDER, MessageSid=sid(), Body="\ud800 lone \udfff"), SIGNED, 200, HOTLINE,
                 id="lone surrogates"),
    pytest.param(b"From=%2B15550100001&MessageSid=SM" + b"b" * 32 + b"&Body=%FF%FE%C3%28%80", SIGNED, 200, HOTLINE,
                 id="invalid UTF-8"),
    pytest.param(inbound("STOP", OptOutType="STOP"), SIGNED, 200, NO_MESSAGE, id="OptOutType STOP: Twilio replied"),
    pytest.param(inbound("START", OptOutType="START"), SIGNED, 200, NO_MESSAGE, id="OptOutType START"),
    pytest.param(inbound("HELP", OptOutType="HELP"), SIGNED, 200, NO_MESSAGE, id="OptOutType HELP"),
    pytest.param(inbound("hi", OptOutType="SOMETHINGNEW"), SIGNED, 200, NO_MESSAGE, id="unknown OptOutType"),
]


@pytest.mark.parametrize(("form", "how", "status", "expected"), WEBHOOK_CASES)
def test_webhook(client: FlaskClient, form: dict | bytes, how: str, status: int, expected) -> None:
    """One inbound message: the status, and the one message (or none) sent back."""
    response = post(client, form, how)
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 403:
        body = response.get_data(as_text=True)
        assert len(body) < 40 and "signature" not in body.lower(), "no details for a refused request"
        return
    if status == 400:  # a request that is from Twilio is told what it lacks
        missing = [name for name in ("From", "MessageSid") if not isinstance(form, dict) or not form.get(name)]
        assert response.get_data(as_text=True) == f"Bad Request: no {' and no '.join(missing)}"
        return
    text = reply(response)
    if expected == NO_MESSAGE:
        assert text is None
    else:
        assert_hotline(text)


@pytest.mark.parametrize(("public_url", "path", "signed_url", "status"), [
    pytest.param(PUBLIC_URL, "/sms", WEBHOOK, 200, id="behind a proxy: public URL"),
    pytest.param(PUBLIC_URL + "/", "/sms", WEBHOOK, 200, id="public URL with a trailing slash"),
    pytest.param(PUBLIC_URL, "/sms?rc=3&ct=5000", WEBHOOK + "?rc=3&ct=5000", 200,
                 id="query string (connection overrides) is signed"),
    pytest.param(PUBLIC_URL, "/sms?rc=3", WEBHOOK, 403, id="query string left out of the signed URL"),
    pytest.param(PUBLIC_URL, "/sms", WEBHOOK + "?", 403, id="no bare '?' in the signed URL"),
    pytest.param(PUBLIC_URL, "/sms", INTERNAL + "/sms", 403, id="the internal URL is not what Twilio signed"),
    pytest.param("", "/sms", INTERNAL + "/sms", 200, id="no public URL: the request URL"),
    pytest.param("", "/sms", WEBHOOK, 403, id="no public URL: the public one fails"),
])
def test_signed_url(public_url: str, path: str, signed_url: str, status: int) -> None:
    """The URL a signature is checked against: HOTLINE_PUBLIC_URL + path when set, else the request URL."""
    client = make_app(HOTLINE_PUBLIC_URL=public_url).test_client()
    response = post(client, inbound("hi"), SIGNED, url=signed_url, path=path)
    assert response.status_code == status
    if status == 200:
        assert_hotline(reply(response))


@pytest.mark.parametrize(("config", "how", "status"), [
    pytest.param({}, NONE, 200, id="no token: unsigned accepted"),
    pytest.param({}, BAD, 200, id="no token: any signature accepted"),
    pytest.param({"TWILIO_AUTH_TOKEN": TOKEN}, NONE, 403, id="token set: unsigned refused"),
    pytest.param({"TWILIO_AUTH_TOKEN": TOKEN}, BAD, 403, id="token set: bad signature refused"),
    pytest.param({"TWILIO_AUTH_TOKEN": TOKEN}, SIGNED, 200, id="token set: signed accepted"),
])
def test_development(config: dict[str, str], how: str, status: int) -> None:
    """Development skips signatures only when there is no token to check them with."""
    client = create_app({"HOTLINE_ENV": "development", "HOTLINE_PUBLIC_URL": PUBLIC_URL, **config}).test_client()
    response = post(client, inbound("hi"), how)
    assert response.status_code == status
    if status == 200:
        assert_hotline(reply(response))


def production_config(redis_server: RedisServer, **overrides: str) -> dict[str, str]:
    """Everything production requires, on the tests' private Redis."""
    return {"HOTLINE_ENV": "production", "TWILIO_AUTH_TOKEN": TOKEN, "HOTLINE_PEPPER": PEPPER,
            "HOTLINE_PUBLIC_URL": PUBLIC_URL, "REDIS_URL": redis_server.url,
            "HOTLINE_SPOOL_DIR": tempfile.mkdtemp(prefix="spool-"), **overrides}


def test_production_app(redis_server: RedisServer) -> None:
    """The production app answers signed messages from Redis, and a production app that somehow lost its token
    refuses every request: only development runs unsigned."""
    app = create_app(production_config(redis_server))
    client = app.test_client()
    assert_hotline(reply(post(client, inbound("hi", sender="+15550100077"))))
    app.config["TWILIO_AUTH_TOKEN"] = ""
    assert post(client, inbound("hi"), NONE).status_code == 403
    assert post(client, inbound("hi"), SIGNED).status_code == 403


STRONG = "a-random-pepper-of-at-least-32-bytes-000"
# Each unsafe setting, and a fragment of the one line that says what to set.
UNSAFE = {
    "no token": ({"TWILIO_AUTH_TOKEN": ""}, "set TWILIO_AUTH_TOKEN"),
    "no pepper": ({"HOTLINE_PEPPER": ""}, "set HOTLINE_PEPPER to at least 32 random bytes"),
    "a one-character pepper": ({"HOTLINE_PEPPER": "x"}, "set HOTLINE_PEPPER to at least 32 random bytes"),
    "a 31-byte pepper": ({"HOTLINE_PEPPER": "p" * 31}, "set HOTLINE_PEPPER"),
    "the pepper is the token": ({"TWILIO_AUTH_TOKEN": STRONG, "HOTLINE_PEPPER": STRONG}, "not the Twilio token"),
    "the public development pepper": ({"HOTLINE_PEPPER": "hotline-bot development pepper: not for production"},
                                      "set HOTLINE_PEPPER"),
    "no REDIS_URL": ({"REDIS_URL": ""}, "set REDIS_URL"),
    "no public URL": ({"HOTLINE_PUBLIC_URL": ""}, "set HOTLINE_PUBLIC_URL to the https:// base URL"),
    "a public URL over http": ({"HOTLINE_PUBLIC_URL": "http://bot.example.org"}, "set HOTLINE_PUBLIC_URL"),
    "a public URL with a path": ({"HOTLINE_PUBLIC_URL": "https://bot.example.org/sms"}, "set HOTLINE_PUBLIC_URL"),
    "a Redis timeout of 0": ({"HOTLINE_REDIS_TIMEOUT": "0"}, "set HOTLINE_REDIS_TIMEOUT to a number of seconds"),
    "a Redis timeout of nan": ({"HOTLINE_REDIS_TIMEOUT": "nan"}, "set HOTLINE_REDIS_TIMEOUT"),
    "a Redis timeout of 12": ({"HOTLINE_REDIS_TIMEOUT": "12"}, "set HOTLINE_REDIS_TIMEOUT"),
    "a Redis timeout that is no number": ({"HOTLINE_REDIS_TIMEOUT": "fast"}, "set HOTLINE_REDIS_TIMEOUT"),
    "a session TTL of 0": ({"HOTLINE_SESSION_TTL": "0"}, "set HOTLINE_SESSION_TTL to a whole number of at least 60"),
    "a negative rate limit": ({"HOTLINE_RATE_PER_MINUTE": "-5"}, "set HOTLINE_RATE_PER_MINUTE"),
    "a country that is not one": ({"HOTLINE_ALLOWED_COUNTRIES": "US,XX"}, "XX are not ISO country codes"),
    "an unknown environment": ({"HOTLINE_ENV": "prod"}, "HOTLINE_ENV must be production or development"),
}


@pytest.mark.parametrize(("overrides", "says"), UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_settings_refuse_to_start_saying_what_to_set(overrides: dict[str, str], says: str) -> None:
    """Production on an unsafe setting is a configuration error that says, in one line, what to set."""
    config = {"HOTLINE_ENV": "production", "TWILIO_AUTH_TOKEN": TOKEN, "HOTLINE_PEPPER": PEPPER,
              "HOTLINE_PUBLIC_URL": PUBLIC_URL, "REDIS_URL": "redis://127.0.0.1:1/0", **overrides}
    with pytest.raises(ConfigError) as refused:
        create_app(config)
    lines = str(refused.value).splitlines()
    assert lines[0] == "refusing to start:" and len(lines) == 2, lines
    assert says in lines[1]


def stored_state(app: Flask, sender: str) -> tuple[int, State] | None:
    """The stored (version, state) of `sender`'s conversation, read straight from the store."""
    raw_state = app.extensions["hotline"].store.client.get(store.key(pseudonym(PEPPER.encode(), sender)))
    if raw_state is None:
        return None
    version, _, body = raw_state.decode().partition(":")
    return int(version), State.unpack(json.loads(body)[0])


def test_duplicate_message_sid_gets_the_same_reply_and_does_not_advance(app: Flask, client: FlaskClient) -> None:
    """A Twilio retry (same MessageSid) gets the identical reply and moves the conversation only once."""
    reply(post(client, inbound("hi")))
    choice = inbound("1")
    first = reply(post(client, choice))
    assert first is not None
    after_first = stored_state(app, SENDER)
    retry = reply(post(client, choice))
    assert retry == first
    assert stored_state(app, SENDER) == after_first, "the retry must not advance the conversation"
    then = reply(post(client, inbound("something")))

    control = make_app()  # the same conversation without the retry
    control_client = control.test_client()
    for text in ("hi", "1"):
        post(control_client, inbound(text))
    assert reply(post(control_client, inbound("something"))) == then
    assert stored_state(app, SENDER)[1].node == stored_state(control, SENDER)[1].node


def test_carrier_opt_out_and_back_in(app: Flask, client: FlaskClient) -> None:
    """Advanced Opt-Out: STOP is recorded silently; HELP is still answered; START lets replies through again."""
    assert reply(post(client, inbound("hi"))) is not None
    assert reply(post(client, inbound("STOP", OptOutType="STOP"))) is None
    assert stored_state(app, SENDER)[1].opted_out
    assert reply(post(client, inbound("hello"))) is None, "opted out: nothing but cries for help is answered"
    assert reply(post(client, inbound("what is this"))) is None
    assert_hotline(reply(post(client, inbound("HELP"))))
    assert reply(post(client, inbound("HELP", OptOutType="HELP"))) is None, "Twilio answered this HELP itself"
    assert stored_state(app, SENDER)[1].opted_out
    assert reply(post(client, inbound("START", OptOutType="START"))) is None
    assert not stored_state(app, SENDER)[1].opted_out
    assert_hotline(reply(post(client, inbound("hello"))))


def test_carrier_help_records_nothing(app: Flask, client: FlaskClient) -> None:
    """OptOutType=HELP from a new sender stores nothing at all."""
    assert reply(post(client, inbound("HELP", OptOutType="HELP"))) is None
    assert stored_state(app, SENDER) is None


def test_typed_stop_gets_one_confirmation_then_silence(app: Flask, client: FlaskClient) -> None:
    """STOP typed by the texter (no Advanced Opt-Out): one confirmation, then nothing."""
    assert reply(post(client, inbound("hi"))) is not None
    assert reply(post(client, inbound("STOP"))) is not None
    assert stored_state(app, SENDER)[1].opted_out
    for text in ("hello", "1", "are you there?", "STOP"):
        assert reply(post(client, inbound(text))) is None, text


def test_redis_down_sends_the_static_reply() -> None:
    """Redis unreachable: every message still gets the static bilingual hotline reply, fast."""
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", HOTLINE_REDIS_TIMEOUT="0.2")
    client = app.test_client()
    started = time.monotonic()
    assert reply(post(client, inbound("hi"))) == STATIC_REPLY
    assert reply(post(client, inbound("hi", sender="whatsapp:+15550100002"))) == STATIC_REPLY
    assert reply(post(client, inbound("STOP", OptOutType="STOP"))) is None, "a failed opt-out record sends nothing"
    assert time.monotonic() - started < 5, "well inside Twilio's 15 s"
    assert client.get("/healthz").status_code == 503


def test_broken_flows_send_the_static_reply(tmp_path: Path) -> None:
    """A broken flow file: the app still starts, answers with the static reply, and reports unhealthy."""
    (tmp_path / "main.yaml").write_text("nodes:\n  menu: [unclosed\n  say: {en: 'x'\n")
    client = make_app(HOTLINE_FLOWS_DIR=str(tmp_path)).test_client()
    assert reply(post(client, inbound("hi"))) == STATIC_REPLY
    assert reply(post(client, inbound("STOP", OptOutType="STOP"))) is None
    assert client.get("/healthz").status_code == 503


def test_healthy_app_reports_200(client: FlaskClient) -> None:
    """The repository's flows on the embedded store: healthy."""
    assert client.get("/healthz").status_code == 200


def test_only_post(client: FlaskClient) -> None:
    """GET /sms is not the webhook."""
    assert client.get("/sms").status_code == 405


def test_a_request_far_larger_than_twilio_sends_is_refused_before_it_is_read(client: FlaskClient) -> None:
    response = post(client, inbound(body="x" * 100_000))
    assert response.status_code == 413


def test_the_twiml_written_by_hand_is_what_twilios_library_writes() -> None:
    """The webhook writes TwiML directly (much cheaper); for every text the bot can send it is byte for byte
    what twilio's MessagingResponse writes."""
    from twilio.twiml.messaging_response import MessagingResponse

    from bot.channels.twilio_sms import twiml
    from bot.fallback import STATIC_REPLY
    from bot.flow import load_flows
    from bot.flow.checks import every_reply
    from bot.settings import REPO_FLOWS

    app = Flask(__name__)
    with app.app_context():
        for text in [STATIC_REPLY, *(t for _, _, t in every_reply(load_flows(REPO_FLOWS).nodes)), None, ""]:
            expected = MessagingResponse()
            if text:
                expected.message(text)
            assert twiml(text).get_data(as_text=True) == str(expected)


@pytest.mark.parametrize(("signed_for", "status"), [
    (WEBHOOK, 200),                                   # the URL as configured: one HMAC checks it
    (WEBHOOK.replace(".org/", ".org:443/"), 200),      # Twilio's back end sometimes signs with the port
    (WEBHOOK.replace("https:", "http:"), 403),
    (WEBHOOK + "?x=1", 403),
])
def test_the_url_twilio_signed_with_or_without_its_port(signed_for: str, status: int):
    form = inbound("hi")
    signature = RequestValidator(TOKEN).compute_signature(signed_for, form)
    response = make_app().test_client().post("/sms", data=form, headers={"X-Twilio-Signature": signature},
                                             base_url=INTERNAL)
    assert response.status_code == status
