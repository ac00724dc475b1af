"""Attacks on the webhook, each as it was tried (issue 7): re-cut signed requests, floods, SMS pumping,
forms built to burn CPU, and hostile bytes anywhere. Every one is refused or answered, never a 5xx."""

from __future__ import annotations

import itertools
import string
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.test_webhook import FORM_TYPE, INTERNAL, PUBLIC_URL, TOKEN, WEBHOOK, inbound, make_app, post, reply

_senders = itertools.count(100)


def fresh_sender() -> str:
    return f"+1555010{next(_senders):04d}"  # fictional


# --- replay by shifting parameter boundaries

def test_a_signed_stop_re_cut_at_a_parameter_boundary_is_refused() -> None:
    """Twilio signs name+value pairs run together, so moving MessagingServiceSid into MessageSid's value keeps the
    signature valid. The captured, re-cut STOP must not be handled as a new message."""
    client = make_app().test_client()
    original = inbound("STOP", sender=fresh_sender())
    signature = RequestValidator(TOKEN).compute_signature(WEBHOOK, original)
    shifted = dict(original)
    shifted["MessageSid"] = original["MessageSid"] + "MessagingServiceSid" + shifted.pop("MessagingServiceSid")
    assert RequestValidator(TOKEN).validate(WEBHOOK, shifted, signature), "the attack's premise: it still validates"
    response = client.post("/sms", data=shifted, headers={"X-Twilio-Signature": signature}, base_url=INTERNAL)
    assert response.status_code == 403



HEX32 = "0123456789abcdef" * 2


@pytest.mark.parametrize(("field", "value", "status"), [
    ("MessageSid", "SM" + HEX32, 200),
    ("MessageSid", "MM" + HEX32, 200),  # a picture message
    ("MessageSid", "SM" + HEX32.upper(), 403),  # Twilio writes lower-case hex
    ("MessageSid", "SM" + HEX32[:-1], 403),
    ("MessageSid", "SM" + HEX32 + "0", 403),
    ("MessageSid", "MG" + HEX32, 403),  # another kind of id
    ("MessageSid", "SM" + HEX32[:-1] + "g", 403),
    ("MessageSid", "SM" + HEX32[:-1] + "\n", 403),
    ("AccountSid", "AC" + HEX32, 200),
    ("AccountSid", "SM" + HEX32, 403),
    ("MessagingServiceSid", "MG" + HEX32, 200),
    ("MessagingServiceSid", "MG" + HEX32[:-2] + "٣٣", 403),  # Arabic-Indic digits are digits, not hex
])
def test_a_signed_request_whose_ids_are_not_shaped_like_twilio_ids_is_refused(field, value, status) -> None:
    client = make_app().test_client()
    form = {**inbound("hi", sender=fresh_sender()), field: value}
    signature = RequestValidator(TOKEN).compute_signature(WEBHOOK, form)
    response = client.post("/sms", data=form, headers={"X-Twilio-Signature": signature}, base_url=INTERNAL)
    assert response.status_code == status


def test_the_host_header_does_not_choose_the_url_that_is_checked() -> None:
    """Signed for an attacker's host and sent with that Host header: refused, the public URL is what counts."""
    client = make_app().test_client()
    form = inbound("STOP", sender=fresh_sender())
    forged = RequestValidator(TOKEN).compute_signature("https://attacker.example.net/sms", form)
    response = client.post("/sms", data=form, headers={"X-Twilio-Signature": forged},
                           base_url="https://attacker.example.net")
    assert response.status_code == 403


# --- floods and pumping

def test_one_sender_flooding_is_paused_but_others_and_cries_for_help_are_not() -> None:
    client = make_app(HOTLINE_RATE_PER_MINUTE="20").test_client()
    flooder, other = fresh_sender(), fresh_sender()
    replies = [reply(post(client, inbound("what?", sender=flooder))) for _ in range(200)]
    answered = [r for r in replies if r is not None]
    assert len(answered) == 21  # 20 answers, then one notice...
    assert "pause our replies" in answered[-1] and "911" in answered[-1]
    assert all(r is None for r in replies[21:])  # ...then silence
    assert "911" in reply(post(client, inbound("HELP", sender=flooder)))  # never held back
    assert "911" in reply(post(client, inbound("911", sender=flooder)))
    assert reply(post(client, inbound("hi", sender=other))) is not None  # others unaffected


def test_no_reply_goes_to_a_country_that_is_not_allowed_but_stop_still_counts() -> None:
    app = make_app()
    client = app.test_client()
    abroad = "+447700900123"  # a UK number (Ofcom's drama range)
    assert reply(post(client, inbound("hi", sender=abroad))) is None
    assert reply(post(client, inbound("HELP", sender=abroad))) is None
    assert reply(post(client, inbound("STOP", sender=abroad))) is None
    from tests.test_webhook import stored_state
    assert stored_state(app, abroad)[1].opted_out  # the opt-out is kept even though nothing was sent
    for territory in ("+17875550123", "+16715550123", "+13405550123"):  # Puerto Rico, Guam, US Virgin Islands
        assert reply(post(client, inbound("hi", sender=territory))) is not None
    wider = make_app(HOTLINE_ALLOWED_COUNTRIES="US,GB").test_client()
    assert reply(post(wider, inbound("hi", sender=abroad))) is not None


def test_a_form_with_thousands_of_fields_is_refused_before_it_is_parsed() -> None:
    client = make_app().test_client()
    body = "&".join(f"f{n}=x" for n in range(9000)).encode()  # ~80 KB: refused by size or by field count
    assert client.post("/sms", data=body, content_type=FORM_TYPE).status_code == 413
    small = "&".join(f"f{n}=" for n in range(9000)).encode()[:60_000]  # under the size cap, far over the fields
    assert client.post("/sms", data=small, content_type=FORM_TYPE).status_code == 413


# --- anything at all: never a 5xx

text = st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=300)
names = st.one_of(st.sampled_from(["From", "To", "Body", "MessageSid", "AccountSid", "MessagingServiceSid",
                                   "OptOutType", "NumMedia"]), st.text(max_size=20))
forms = st.lists(st.tuples(names, st.one_of(text, st.binary(max_size=60).map(lambda b: b.decode("latin-1")))),
                 max_size=40)
raw_bytes = st.binary(max_size=3000)
content_types = st.sampled_from([FORM_TYPE, "application/json", "text/plain", "multipart/form-data", "",
                                 "multipart/form-data; boundary=x", FORM_TYPE + "; charset=latin-1"])
queries = st.one_of(st.just(""), st.text(string.printable, max_size=60), st.binary(max_size=40).map(
    lambda b: quote(b, safe="=&")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=forms, signed=st.booleans(), query=queries, content_type=content_types)
def test_any_form_gets_a_clear_answer_never_a_5xx(pairs, signed, query, content_type) -> None:
    client = CLIENT
    body = urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("latin-1", "replace")
    path = "/sms" + (f"?{query}" if query else "")
    headers = {}
    if signed:
        form = {}
        for name, value in pairs:
            form.setdefault(name, value)
        headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(PUBLIC_URL + path, form)
    response = client.post(path, data=body, content_type=content_type, headers=headers, base_url=INTERNAL)
    assert response.status_code < 500, response.status_code
    assert response.status_code in (200, 400, 403, 413, 415)


@settings(max_examples=200, deadline=None)
@given(body=raw_bytes, content_type=content_types, query=queries)
def test_any_bytes_at_all_get_a_clear_answer_never_a_5xx(body, content_type, query) -> None:
    response = CLIENT.post("/sms" + (f"?{query}" if query else ""), data=body, content_type=content_type,
                           base_url=INTERNAL)
    assert response.status_code in (400, 403, 413, 415)


@settings(max_examples=200, deadline=None)
@given(body=text)
def test_any_body_from_a_real_sender_gets_a_reply_with_the_hotline(body) -> None:
    response = post(CLIENT_UNLIMITED, inbound(body, sender=fresh_sender()))
    assert response.status_code == 200
    answer = reply(response)
    assert answer is not None and "1-888-373-7888" in answer


CLIENT: FlaskClient = make_app().test_client()
CLIENT_UNLIMITED: FlaskClient = make_app(HOTLINE_RATE_PER_MINUTE="100000").test_client()
