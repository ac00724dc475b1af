"""The web chat without a browser: the JSON API's answers to any body, retries, tokens and pseudonyms, the
headers (CSP, framing, no cookie, no cache), the page's language, the links in replies, the page without
JavaScript, and the same replies as SMS for every conversation transcript.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from bot import ConfigError, create_app, store
from bot.channels import webchat
from bot.engine import match_intent
from bot.fallback import STATIC_REPLY
from bot.flow.fact_check import find, unknown
from bot.flow.facts import load_registry
from bot.flow.model import LANGUAGES, Intent
from bot.identity import address_key, pseudonym
from bot.settings import REPO_FLOWS
from bot.state import NEW, State
from bot.text import normalise
from bot.transcripts import format as transcript
from bot.transcripts.play import START_TIME
from bot.web import tokens
from bot.web.links import Part, parts
from bot.web.words import SWITCH_MESSAGE, WORDS
from tests.conftest import CONVERSATIONS, new_hotline
from tests.redis_server import free_port

PEPPER = "test pepper: 32 bytes or more, not the token"
HOTLINE_FACTS = ("911", "1-888-373-7888", "233733")  # hotline-facts.md rows 1-3
MESSAGES = "/chat/messages"


def make_app(**overrides: str) -> Flask:
    """The app as deployed (a token, a pepper), on an embedded store: development mode only because production
    requires a Redis server."""
    return create_app({"HOTLINE_ENV": "development", "TWILIO_AUTH_TOKEN": "t", "HOTLINE_PEPPER": PEPPER,
                       "HOTLINE_SPOOL_DIR": tempfile.mkdtemp(prefix="spool-"), **overrides})


@pytest.fixture
def app() -> Flask:
    """The app on a fresh embedded store."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for `app`."""
    return app.test_client()


def page_data(response: TestResponse) -> dict:
    """The data the page hands its script (token, language, words)."""
    html = response.get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="chat-data">(.*?)</script>', html, re.S)[1])


def new_token(client: FlaskClient) -> str:
    """A token as a visitor gets one: from the page."""
    return page_data(client.get("/chat"))["token"]


def say(client: FlaskClient, token: str, text: str, message_id: str, lang: str | None = None) -> TestResponse:
    """POST one message to the JSON API."""
    body = {"token": token, "id": message_id, "text": text} | ({"lang": lang} if lang else {})
    return client.post(MESSAGES, json=body)


def reply_of(response: TestResponse) -> str | None:
    """The one reply's text (None when the bot sends nothing), checking the shape of a 200 answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    replies = response.get_json()["replies"]
    assert len(replies) <= 1
    for reply in replies:
        assert "".join(part["text"] for part in reply["parts"]) == reply["text"]
    return replies[0]["text"] if replies else None


# --- the JSON API: a reply or a clear 4xx for any body ------------------------------------------------------

VALID = object()  # stands for a token the server issued
OTHER_PEPPER = tokens.issue(b"another deployment's pepper")

BAD_BODIES = [
    # (body as JSON-able value or raw bytes, content type, status, error code)
    pytest.param({"token": VALID, "id": "m1", "text": "hi"}, "application/x-www-form-urlencoded", 415, "json",
                 id="not JSON"),
    pytest.param(b"{not json", "application/json", 400, "json", id="broken JSON"),
    pytest.param(b"\xff\xfe{}", "application/json", 400, "json", id="not UTF-8"),
    pytest.param([1, 2], "application/json", 400, "json", id="a list"),
    pytest.param("hi", "application/json", 400, "json", id="a string"),
    pytest.param(None, "application/json", 400, "json", id="null"),
    pytest.param({"id": "m1", "text": "hi"}, "application/json", 400, "token", id="no token"),
    pytest.param({"token": "abc", "id": "m1", "text": "hi"}, "application/json", 400, "token", id="made-up token"),
    pytest.param({"token": 12345, "id": "m1", "text": "hi"}, "application/json", 400, "token", id="number token"),
    pytest.param({"token": OTHER_PEPPER, "id": "m1", "text": "hi"}, "application/json", 400, "token",
                 id="token of another pepper"),
    pytest.param({"token": "A" * 24 + "." + "B" * 22, "id": "m1", "text": "hi"}, "application/json", 400, "token",
                 id="well-formed forged token"),
    pytest.param({"token": "x" * 10_000, "id": "m1", "text": "hi"}, "application/json", 400, "token",
                 id="huge token"),
    pytest.param({"token": VALID, "text": "hi"}, "application/json", 400, "id", id="no id"),
    pytest.param({"token": VALID, "id": "", "text": "hi"}, "application/json", 400, "id", id="empty id"),
    pytest.param({"token": VALID, "id": "a b", "text": "hi"}, "application/json", 400, "id", id="id with a space"),
    pytest.param({"token": VALID, "id": "x" * 65, "text": "hi"}, "application/json", 400, "id", id="id too long"),
    pytest.param({"token": VALID, "id": 7, "text": "hi"}, "application/json", 400, "id", id="number id"),
    pytest.param({"token": VALID, "id": "m1"}, "application/json", 400, "text", id="no text"),
    pytest.param({"token": VALID, "id": "m1", "text": None}, "application/json", 400, "text", id="null text"),
    pytest.param({"token": VALID, "id": "m1", "text": ["hi"]}, "application/json", 400, "text", id="list text"),
    pytest.param({"token": VALID, "id": "m1", "text": "a" * 1601}, "application/json", 400, "text",
                 id="text over 1600 characters"),
    pytest.param({"token": VALID, "id": "m1", "text": "hi", "lang": "fr"}, "application/json", 400, "lang",
                 id="unknown language"),
    pytest.param({"token": VALID, "id": "m1", "text": "hi", "lang": 1}, "application/json", 400, "lang",
                 id="number language"),
    pytest.param({"token": VALID, "id": "m1", "text": "x" * 70_000}, "application/json", 413, "too_large",
                 id="far larger than any message"),
]


def _encode(body, token: str) -> bytes:
    """The request body, with VALID replaced by a real token."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, dict):
        body = {key: token if value is VALID else value for key, value in body.items()}
    return json.dumps(body).encode()


@pytest.mark.parametrize(("body", "content_type", "status", "code"), BAD_BODIES)
def test_a_bad_body_gets_a_clear_4xx(client: FlaskClient, body, content_type: str, status: int, code: str) -> None:
    """Each bad body: its 4xx, a code naming what is wrong, and a sentence saying what to send."""
    response = client.post(MESSAGES, data=_encode(body, new_token(client)), content_type=content_type)
    assert response.status_code == status
    answer = response.get_json()
    assert answer["error"] == code
    assert answer["message"]
    if code == "token":
        assert tokens.is_valid(PEPPER.encode(), answer["token"]), "a fresh token to start again with"


GOOD_TEXTS = [
    pytest.param("hi", id="hi"),
    pytest.param("", id="empty"),
    pytest.param("   \n\t ", id="whitespace"),
    pytest.param("a" * 1600, id="1600 characters"),
    pytest.param("🆘🙏 help?", id="emoji"),
    pytest.param("مرحبا שלום \u202eevil\u202c", id="RTL and bidi controls"),
    pytest.param("hi\x00there\x00", id="NUL"),
    pytest.param("\ud800 lone \udfff", id="lone surrogates"),
    pytest.param("<script>alert(1)</script>", id="markup"),
]


@pytest.mark.parametrize("text", GOOD_TEXTS)
def test_any_text_gets_the_hotline(client: FlaskClient, text: str) -> None:
    """Any text a visitor can send is answered by the flows, with 911 and the hotline."""
    reply = reply_of(say(client, new_token(client), text, "m1"))
    assert reply is not None and reply != STATIC_REPLY
    assert all(fact in reply for fact in HOTLINE_FACTS)


def test_unknown_fields_are_ignored_and_lang_starts_the_conversation(client: FlaskClient) -> None:
    """Extra fields do no harm; `lang` (the page's language) is the language a new conversation starts in."""
    token = new_token(client)
    response = client.post(MESSAGES, json={"token": token, "id": "m1", "text": "1", "lang": "es", "extra": [1]})
    assert reply_of(response) == new_hotline().answer("web:x", "m1", "1", int(time.time()), State(lang="es"))
    assert response.get_json()["lang"] == "es"


@pytest.mark.parametrize(("method", "status"), [("get", 405), ("put", 405), ("delete", 405)])
def test_only_post(client: FlaskClient, method: str, status: int) -> None:
    """The API answers POST only."""
    assert getattr(client, method)(MESSAGES).status_code == status


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.fixed_dictionaries({}, optional={"token": JSON_VALUES | st.just(VALID), "id": JSON_VALUES,
                                                "text": JSON_VALUES, "lang": JSON_VALUES | st.sampled_from(LANGUAGES)})
       | JSON_VALUES)
def test_never_a_5xx(client: FlaskClient, body) -> None:
    """Whatever JSON arrives: a reply (200) or a 4xx saying what is wrong, never a server error."""
    response = client.post(MESSAGES, data=_encode(body, new_token(client)), content_type="application/json")
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if response.status_code == 200:
        reply_of(response)


def test_an_unexpected_failure_still_sends_the_hotline(app: Flask, client: FlaskClient, monkeypatch) -> None:
    """Should the service ever raise, the visitor still gets the static hotline reply, not an error page."""
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["hotline"], "answer", broken)
    token = new_token(client)
    assert reply_of(say(client, token, "hi", "m1")) == STATIC_REPLY
    page = client.post("/chat", data={"token": token, "id": "m2", "text": "hi", "lang": "en"})
    assert page.status_code == 200 and "1-888-373-7888" in page.get_data(as_text=True)


def test_redis_down_sends_the_static_reply() -> None:
    """No store: the chat still answers, with the static bilingual hotline reply."""
    client = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", HOTLINE_REDIS_TIMEOUT="0.2").test_client()
    assert reply_of(say(client, new_token(client), "hi", "m1")) == STATIC_REPLY


def test_broken_flows_still_give_the_page_and_the_hotline(tmp_path: Path) -> None:
    """A broken flow file: the page still works and every message gets the static hotline reply."""
    (tmp_path / "main.yaml").write_text("nodes:\n  menu: [unclosed\n  say: {en: 'x'\n")
    client = make_app(HOTLINE_FLOWS_DIR=str(tmp_path)).test_client()
    assert client.get("/chat").status_code == 200
    token = new_token(client)
    assert reply_of(say(client, token, "hi", "m1")) == STATIC_REPLY
    assert reply_of(say(client, token, "ESPAÑOL", "m2")) == STATIC_REPLY
    assert "1-888-373-7888" in shown_reply(form(client, token, "hi", "f1"))


# --- retries, tokens, pseudonyms -----------------------------------------------------------------------------

def stored(app: Flask, token: str) -> bytes | None:
    """The raw stored state of the conversation of `token`."""
    pid = pseudonym(PEPPER.encode(), tokens.sender(token))
    return app.extensions["hotline"].store.client.get(store.key(pid))


def test_a_retry_with_the_same_id_gets_the_same_reply_and_does_not_advance(app: Flask, client: FlaskClient) -> None:
    """A resent message (same id) is answered as before and moves the conversation once."""
    token = new_token(client)
    reply_of(say(client, token, "hi", "m1"))
    first = reply_of(say(client, token, "7", "m2"))
    after = stored(app, token)
    assert reply_of(say(client, token, "7", "m2")) == first
    assert stored(app, token) == after
    assert reply_of(say(client, token, "8", "m3")) != first, "still on the page of other lines: 8 means more"


def test_tokens_are_random_and_only_the_servers_are_accepted(client: FlaskClient) -> None:
    """Every page has a new token; one this server did not issue (or issued under another pepper) is refused."""
    issued = {new_token(client) for _ in range(20)}
    assert len(issued) == 20
    assert all(tokens.is_valid(PEPPER.encode(), token) for token in issued)
    assert not any(tokens.is_valid(b"another pepper", token) for token in issued)
    token = issued.pop()
    assert not tokens.is_valid(PEPPER.encode(), token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not tokens.is_valid(PEPPER.encode(), token + "\n")


def test_the_token_is_pseudonymised_with_the_pepper_like_a_phone_number(app: Flask, client: FlaskClient) -> None:
    """The conversation is keyed by HMAC(pepper, "web:<token>"); neither the token nor the text is stored."""
    token, text = new_token(client), "my name is Rosalind Quixote and I live at 90210"
    reply_of(say(client, token, "hi", "m1"))
    reply_of(say(client, token, text, "m2"))
    redis = app.extensions["hotline"].store.client
    keys = redis.keys("*")
    assert store.key(pseudonym(PEPPER.encode(), f"web:{token}")).encode() in keys
    dump = b" ".join(keys + [redis.dump(key) or b"" for key in keys])
    for secret in (token, token.split(".")[0], token.split(".")[1], "Rosalind", "90210"):
        assert secret.encode() not in dump, secret
    assert all(redis.ttl(key) > 0 for key in keys), "every key expires"


@pytest.mark.parametrize(("one", "other"), [
    pytest.param("web:abc1", "web:xyz1", id="same digits, different letters"),
    pytest.param("web:AbC", "web:abc", id="case matters in a token"),
    pytest.param("web:a-1_2", "web:a12", id="punctuation matters in a token"),
    pytest.param("web:" + tokens.issue(b"k"), "web:" + tokens.issue(b"k"), id="two issued tokens"),
])
def test_web_tokens_keep_their_identity(one: str, other: str) -> None:
    """A web token is kept as it is: two tokens never share a conversation (nor a pseudonym)."""
    assert address_key(one) != address_key(other)
    assert pseudonym(b"p", one) != pseudonym(b"p", other)
    assert address_key(one) == one


@pytest.mark.parametrize(("sender", "key"), [
    ("+1 (555) 010-0001", "sms:+15550100001"),
    ("+15550100001", "sms:+15550100001"),
    ("sms:+15550100001", "sms:+15550100001"),
    ("whatsapp:+1 555 010 0001", "whatsapp:+15550100001"),
    ("WhatsApp:+15550100001", "whatsapp:+15550100001"),
    ("console:local", "console:local"),
])
def test_phone_addresses_are_still_folded_to_digits(sender: str, key: str) -> None:
    """Phone channels are unchanged: every way of writing one number is one conversation."""
    assert address_key(sender) == key


# --- headers: CSP, framing, no cookie, no cache ----------------------------------------------------------------

def requests_of_every_kind(client: FlaskClient) -> list[TestResponse]:
    """A response of every kind the chat sends: page, form post, API 200 and 4xx, script, style."""
    token = new_token(client)
    return [
        client.get("/chat"),
        client.post("/chat", data={"token": token, "id": "f1", "text": "hi", "lang": "en"}),
        client.post("/chat", data={"token": "bad", "id": "f2", "text": "hi"}),
        say(client, token, "hi", "m1"),
        client.post(MESSAGES, json={"token": "bad"}),
        client.get("/chat/static/chat.js"),
        client.get("/chat/static/chat.css"),
    ]


def test_every_response_is_strict_and_leaves_nothing_behind(client: FlaskClient) -> None:
    """A strict CSP (scripts, styles, requests only from this server), no framing, no cookie, no cache, no
    referrer sent on to the neutral site or a hotline's page."""
    for response in requests_of_every_kind(client):
        csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
        assert csp["default-src"] == "'none'"
        assert csp["script-src"] == csp["style-src"] == csp["connect-src"] == csp["form-action"] == "'self'"
        assert csp["frame-ancestors"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.status_code < 500


def test_the_page_has_no_inline_script_or_style_and_loads_nothing_from_elsewhere(client: FlaskClient) -> None:
    """What the CSP allows is all the page needs: its own script and stylesheet, no inline code."""
    html = client.get("/chat").get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*type=\"application/json\")[^>]*>", html) == [
        '<script src="/chat/static/chat.js" defer>']
    assert "style=" not in html and "<style" not in html and not re.search(r"<[^>]*\son[a-z]+=", html)
    loaded = re.findall(r'<(?:script|img|iframe)[^>]* src="([^"]*)"', html)
    loaded += re.findall(r'<link[^>]* href="([^"]*)"', html)
    assert loaded and all(url.startswith("/chat/static/") for url in loaded), loaded


@pytest.mark.parametrize(("setting", "ancestors"), [
    ("https://www.example.org", "https://www.example.org"),
    ("https://www.example.org/ https://*.example.net", "https://www.example.org https://*.example.net"),
    ("https://a.example.org,http://localhost:8000", "https://a.example.org http://localhost:8000"),
])
def test_only_the_listed_origins_may_frame_the_page(setting: str, ancestors: str) -> None:
    """HOTLINE_CHAT_EMBED_ORIGINS becomes frame-ancestors (and X-Frame-Options, which cannot list, goes)."""
    client = make_app(HOTLINE_CHAT_EMBED_ORIGINS=setting).test_client()
    for response in requests_of_every_kind(client):
        assert response.headers["Content-Security-Policy"].endswith(f"frame-ancestors {ancestors}")
        assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize(("name", "value"), [
    ("HOTLINE_CHAT_EMBED_ORIGINS", "www.example.org"),
    ("HOTLINE_CHAT_EMBED_ORIGINS", "https://example.org/chat"),
    ("HOTLINE_CHAT_EMBED_ORIGINS", "'self'"),
    ("HOTLINE_CHAT_EMBED_ORIGINS", "*"),
    ("HOTLINE_CHAT_EMBED_ORIGINS", "https://example.org; script-src *"),
    ("HOTLINE_CHAT_EXIT_URL", "www.google.com"),
    ("HOTLINE_CHAT_EXIT_URL", "javascript:alert(1)"),
    ("HOTLINE_CHAT_EXIT_URL", ""),
])
def test_a_wrong_setting_stops_the_app_and_names_itself(name: str, value: str) -> None:
    """An origin list or exit address that is not one is a configuration error naming the setting."""
    with pytest.raises(ConfigError, match=name):
        make_app(**{name: value})


def test_quick_exit_goes_to_the_operators_neutral_site(client: FlaskClient) -> None:
    """The Quick exit link (used as it is without JavaScript) points at HOTLINE_CHAT_EXIT_URL."""
    assert 'href="https://www.google.com/"' in client.get("/chat").get_data(as_text=True)
    other = make_app(HOTLINE_CHAT_EXIT_URL="https://weather.example.com/today").test_client()
    assert 'href="https://weather.example.com/today"' in other.get("/chat").get_data(as_text=True)


# --- the page's language ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept_language", "query", "lang"), [
    (None, "", "en"),
    ("en-US,en;q=0.9", "", "en"),
    ("es-MX,es;q=0.9,en;q=0.5", "", "es"),
    ("es", "", "es"),
    ("es-419", "", "es"),
    ("fr-FR,fr;q=0.9", "", "en"),
    ("fr-FR,es;q=0.5", "", "es"),
    ("en-US", "?lang=es", "es"),
    ("es-MX", "?lang=en", "en"),
    ("es-MX", "?lang=fr", "es"),
])
def test_the_page_speaks_the_browsers_language_unless_asked(client: FlaskClient, accept_language: str | None,
                                                             query: str, lang: str) -> None:
    """?lang= first, then the browser's preferred language among the bot's, then English."""
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get("/chat" + query, headers=headers)
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert WORDS[lang]["label"] in html and WORDS[lang]["quick_exit"] in html
    assert page_data(response)["lang"] == lang
    assert "Accept-Language" in response.headers["Vary"]


def test_the_page_words_exist_in_both_languages() -> None:
    """Every word of the page is written in English and in Spanish."""
    assert set(WORDS) == set(LANGUAGES)
    assert WORDS["en"].keys() == WORDS["es"].keys()
    assert all(text.strip() for words in WORDS.values() for text in words.values())
    assert WORDS["es"]["quick_exit"] == "Salida rápida"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_always_shows_911_and_the_hotline(lang: str) -> None:
    """Before any message, the page says what to do in danger, with the hotline's numbers."""
    assert all(fact in WORDS[lang]["safety"] for fact in HOTLINE_FACTS)


def test_every_number_on_the_page_is_in_the_facts_registry() -> None:
    """The page's own words follow the same rule as the flows: every number is a fact of flows/facts.yaml."""
    registry, _ = load_registry(REPO_FLOWS)
    found = [f for words in WORDS.values() for text in words.values() for f in find(text)]
    assert {"911", "233733"} <= {f.value for f in found}
    assert [f.written for f in found if unknown(f, registry)] == []


@pytest.mark.parametrize(("lang", "intent"), [("en", Intent.ENGLISH), ("es", Intent.SPANISH)])
def test_the_language_button_sends_the_bots_own_language_word(lang: str, intent: Intent) -> None:
    """The button sends a word the flows read as the language switch, as if the texter typed it."""
    assert match_intent(new_hotline().flows, normalise(SWITCH_MESSAGE[lang]))[0] is intent


# --- links in replies ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "links"), [
    ("call 1-888-373-7888 or text 233733", [("1-888-373-7888", "tel:+18883737888"), ("233733", "sms:233733")]),
    ("Llama al 911. Manda un texto al 233733.", [("911", "tel:911"), ("233733", "sms:233733")]),
    ("call or text 988, any time", [("988", "tel:988")]),
    ("TTY: dial 711", [("711", "tel:711")]),
    ("NCMEC, 1-800-THE-LOST (1-800-843-5678).", [("1-800-843-5678", "tel:+18008435678")]),
    ("text HOME to 741741", [("741741", "sms:741741")]),
    ("manda START al 88788", [("88788", "sms:88788")]),
    ("Send your ZIP code. Help near 90210 is listed.", []),
    ("Chat at humantraffickinghotline.org.", [("humantraffickinghotline.org", "https://humantraffickinghotline.org")]),
    ("report.cybertip.org (your name is optional)", [("report.cybertip.org", "https://report.cybertip.org")]),
    ("Reply 1 to 7, or 0 for the menu. 24/7.", []),
    ("room 9110 and 1988 and 7110", []),
    ("", []),
])
def test_numbers_and_addresses_become_links(text: str, links: list[tuple[str, str]]) -> None:
    """Phone numbers tel:, short codes texted sms:, 911/988/711 tel:, web addresses https:; nothing else."""
    found = parts(text)
    assert "".join(part.text for part in found) == text
    assert [(part.text, part.href) for part in found if part.href] == links


@given(st.text())
def test_links_never_change_the_text(text: str) -> None:
    """Whatever the reply, its parts put back together are the reply."""
    assert "".join(part.text for part in parts(text)) == text


def test_every_number_in_every_reply_is_a_link() -> None:
    """In every text of the flows, in both languages, 911 and the hotline's numbers can be tapped."""
    flows = new_hotline().flows
    for name, node in flows.nodes.items():
        for lang in LANGUAGES:
            text = node.say.get(lang)
            linked = {part.text for part in parts(text) if part.href}
            for fact in HOTLINE_FACTS:
                assert fact not in text or fact in linked, (name, lang, fact)
            assert Part(text) in parts(text) or linked, (name, lang)


# --- the page without JavaScript ----------------------------------------------------------------------------

def form(client: FlaskClient, token: str, text: str, message_id: str, lang: str = "en", **extra: str) -> str:
    """POST the page's form; the page that comes back."""
    response = client.post("/chat", data={"token": token, "id": message_id, "text": text, "lang": lang, **extra})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def shown_reply(html: str) -> str:
    """The reply the page shows, as plain text."""
    block = re.search(r'class="message from-bot">.*?<p class="text">(.*?)</p>', html, re.S)[1]
    return re.sub(r"<[^>]+>", "", block).replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<")


def test_the_form_post_answers_like_the_api(client: FlaskClient) -> None:
    """Without JavaScript: the same replies, the conversation kept by the token in the form, links included."""
    token, reference = new_token(client), new_hotline()
    for number, text in enumerate(("hi", "3", "0"), 1):
        html = form(client, token, text, f"f{number}")
        expected = reference.answer("web:ref", f"f{number}", text, int(time.time()), State(lang="en"))
        assert shown_reply(html) == expected
        assert page_data_token(html) == token
    assert '<a href="tel:911">911</a>' in html


def page_data_token(html: str) -> str:
    """The token the page's forms carry."""
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_the_forms_language_button_switches_the_page_and_the_bot(client: FlaskClient) -> None:
    """The Español button posts the switch: the bot answers in Spanish and the page is in Spanish."""
    html = form(client, new_token(client), "", "f1", switch="es")
    assert '<html lang="es">' in html
    assert WORDS["es"]["label"] in html
    assert shown_reply(html) == new_hotline().answer("web:ref", "f1", "ESPAÑOL", int(time.time()), State(lang="en"))


@pytest.mark.parametrize("data", [
    pytest.param({"token": "made-up", "id": "f1", "text": "hi"}, id="made-up token"),
    pytest.param({"id": "f1", "text": "hi"}, id="no token"),
    pytest.param({"token": VALID, "id": "", "text": "hi"}, id="no id"),
    pytest.param({"token": VALID, "id": "f1", "text": "a" * 1601}, id="text too long"),
])
def test_a_bad_form_gets_a_400_page_that_still_gives_the_hotline(client: FlaskClient, data: dict) -> None:
    """A form that cannot be answered: 400, a page saying so, the hotline's numbers, and a fresh token."""
    data = {key: new_token(client) if value is VALID else value for key, value in data.items()}
    response = client.post("/chat", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert WORDS["en"]["bad_request"] in html
    assert all(fact in html for fact in HOTLINE_FACTS)
    assert tokens.is_valid(PEPPER.encode(), page_data_token(html))


def test_a_form_far_larger_than_any_message_gets_a_413_page(client: FlaskClient) -> None:
    """A form post too large to read: 413, and the page still gives the hotline."""
    response = client.post("/chat", data={"token": new_token(client), "id": "f1", "text": "x" * 70_000})
    assert response.status_code == 413
    assert all(fact in response.get_data(as_text=True) for fact in HOTLINE_FACTS)


def test_what_was_sent_is_shown_back_safely(client: FlaskClient) -> None:
    """The visitor's message is escaped, and bytes that are not UTF-8 (a lone surrogate) do not break the page."""
    body = f"token={new_token(client)}&id=f1&lang=en&text=%3Cb%3Ehi%3C%2Fb%3E%20%ED%A0%80%FF".encode()
    response = client.post("/chat", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html
    assert "1-888-373-7888" in shown_reply(html)


def test_a_stopped_conversation_says_why_there_is_no_reply(client: FlaskClient) -> None:
    """After STOP the bot is silent, as by SMS; the page says so and how to come back."""
    token = new_token(client)
    form(client, token, "STOP", "f1")
    html = form(client, token, "hello", "f2")
    assert WORDS["en"]["no_reply"] in html
    assert reply_of(say(client, token, "hello again", "m3")) is None


# --- the same replies as SMS --------------------------------------------------------------------------------

def _transcripts() -> list[Path]:
    """Every conversation transcript that starts as a texter's would (no console --lang)."""
    return [path for path in sorted(CONVERSATIONS.glob("*.txt")) if transcript.parse(path).initial == NEW]


def sms_reply(client: FlaskClient, sender: str, sid: str, text: str) -> str | None:
    """The message the Twilio webhook sends back (None for an empty <Response/>)."""
    response = client.post("/sms", data={"From": sender, "MessageSid": sid, "Body": text})
    assert response.status_code == 200
    messages = [child.text or "" for child in ET.fromstring(response.get_data())]
    return messages[0] if messages else None


@pytest.mark.parametrize("path", _transcripts(), ids=lambda path: path.stem)
def test_chat_and_sms_give_the_same_replies(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every transcript's messages, sent by SMS and by web chat at the same moments: the same replies."""
    parsed = transcript.parse(path)
    clock = [START_TIME]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    client = create_app({"HOTLINE_ENV": "development"}).test_client()
    token, number = new_token(client), 0
    for exchange in parsed.exchanges:
        clock[0] += exchange.gap
        number += 0 if exchange.resend else 1
        by_sms = sms_reply(client, "+15550100042", f"SM{number:032d}", exchange.text)
        by_chat = reply_of(say(client, token, exchange.text, f"m{number}"))
        assert by_chat == by_sms, f"{path.name}:{exchange.line}: {exchange.text!r}"


def test_the_parity_test_covers_most_transcripts() -> None:
    """Only transcripts that start with the console's --lang are left out of the comparison."""
    assert len(_transcripts()) >= len(list(CONVERSATIONS.glob("*.txt"))) - 3


# --- privacy in the logs ------------------------------------------------------------------------------------

def test_no_token_or_message_reaches_a_log(client: FlaskClient, caplog: pytest.LogCaptureFixture,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing the visitor sent, nor their token, is logged, even when something fails."""
    caplog.set_level(logging.DEBUG)
    token, secret = new_token(client), "my name is Rosalind Quixote, zip 90210"
    say(client, token, secret, "m1")
    client.post("/chat", data={"token": token, "id": "f1", "text": secret})
    client.post(MESSAGES, json={"token": token, "id": "bad id", "text": secret})
    monkeypatch.setattr(webchat, "parts", lambda text: 1 / 0)
    say(client, token, secret, "m2")
    logged = "\n".join(record.getMessage() + repr(record.args) + str(record.exc_info) for record in caplog.records)
    assert caplog.records, "the failure was logged"
    for leak in (token, "Rosalind", "90210"):
        assert leak not in logged
