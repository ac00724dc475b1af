"""The web chat: GET /chat (the page), POST /chat (the page without JavaScript), POST /chat/messages (JSON).

A thin adapter around `Hotline`, like the Twilio webhook: the sender is "web:<token>", the token random and
issued by this server (`bot.web.tokens`), so the web chat gets the SMS conversation's flows, store, limits
and privacy. The page works with JavaScript (it posts JSON and shows replies in place) and without (the
form posts and the page comes back with the reply). Every response carries a strict Content-Security-Policy,
`Cache-Control: no-store` and no cookie; only the origins in HOTLINE_CHAT_EMBED_ORIGINS may frame the page.
Nothing the visitor types is logged or stored.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bot import ConfigError
from bot.engine import match_intent
from bot.fallback import STATIC_REPLY
from bot.flow.model import LANGUAGES, Intent
from bot.hotline import MAX_BODY, Hotline
from bot.state import NEW, State
from bot.text import normalise
from bot.web import tokens
from bot.web.links import parts
from bot.web.words import DEFAULT_LANGUAGE, SWITCH_MESSAGE, WORDS, other

log = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent.parent / "web"
blueprint = Blueprint("webchat", __name__, template_folder=str(WEB / "templates"),
                      static_folder=str(WEB / "static"), static_url_path="/chat/static")

MAX_TEXT = MAX_BODY  # the longest message Twilio delivers; the page's input holds no more
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# https://example.org, http://localhost:8000, https://*.example.org (CSP frame-ancestors source syntax)
_ORIGIN = re.compile(r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?",
                     re.IGNORECASE)
_SWITCHES = {Intent.ENGLISH: "en", Intent.SPANISH: "es"}


@dataclass(frozen=True)
class WebChatConfig:
    """What the operator set for the web chat: who may frame it, and where Quick exit goes."""

    embed_origins: tuple[str, ...]
    exit_url: str


def init_app(app: Flask, settings: Mapping[str, str]) -> None:
    """Read the web chat's settings (ConfigError naming the setting if one is wrong) and add its routes."""
    app.extensions["webchat"] = WebChatConfig(
        embed_origins=parse_origins(settings["HOTLINE_CHAT_EMBED_ORIGINS"]),
        exit_url=parse_exit_url(settings["HOTLINE_CHAT_EXIT_URL"]),
    )
    app.register_blueprint(blueprint)


def parse_origins(value: str) -> tuple[str, ...]:
    """The origins listed in HOTLINE_CHAT_EMBED_ORIGINS (separated by spaces or commas)."""
    origins = tuple(origin.rstrip("/") for origin in re.split(r"[\s,]+", value.strip()) if origin)
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigError(
                f"refusing to start:\n- set HOTLINE_CHAT_EMBED_ORIGINS to origins (scheme and host, no path, no "
                f"quotes) separated by spaces, e.g. 'https://www.example.org https://*.example.net': {origin!r} "
                "is not one")
    return origins


def parse_exit_url(value: str) -> str:
    """HOTLINE_CHAT_EXIT_URL, checked to be an absolute http(s) address."""
    url = value.strip()
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c in url for c in " \"'<>"):
        raise ConfigError(f"refusing to start:\n- set HOTLINE_CHAT_EXIT_URL to a full web address such as "
                          f"'https://www.google.com/' ({value!r} is not one)")
    return url


@blueprint.get("/chat")
def page() -> Response:
    """The chat page, in the language of `?lang=` or else the browser's, with a fresh conversation token."""
    return _page(_page_language(), tokens.issue(_hotline().pepper))


@blueprint.post("/chat")
def form_post() -> Response:
    """The page without JavaScript: the form's message answered, and the page again with the reply."""
    form, hotline = request.form, _hotline()
    lang = form.get("lang") if form.get("lang") in LANGUAGES else _page_language()
    token, message_id = form.get("token", ""), form.get("id", "")
    switch = form.get("switch")
    text = SWITCH_MESSAGE[switch] if switch in SWITCH_MESSAGE else form.get("text", "")
    if not tokens.is_valid(hotline.pepper, token) or not _MESSAGE_ID.fullmatch(message_id) or len(text) > MAX_TEXT:
        return _page(lang, tokens.issue(hotline.pepper), notice="bad_request", status=400)
    reply = hotline.answer(tokens.sender(token), message_id, text, int(time.time()), _initial(lang))
    return _page(_switched_language(text) or lang, token, sent=text, reply=reply, continuing=True)


@blueprint.post("/chat/messages")
def messages() -> Response:
    """One message as JSON {token, id, text, lang?} -> {replies: [{text, parts}], lang}; a clear 4xx if bad."""
    hotline = _hotline()
    if not request.is_json:
        return _error(415, "json", "Send a JSON object with Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "json", "The body must be a JSON object: {\"token\", \"id\", \"text\"}.")
    token, message_id, text, lang = body.get("token"), body.get("id"), body.get("text"), body.get("lang")
    if not tokens.is_valid(hotline.pepper, token):
        # A token from before the pepper changed, or one made up: here is a real one to start again with.
        return _error(400, "token", "Unknown conversation token; use the new one given here.",
                      token=tokens.issue(hotline.pepper))
    if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
        return _error(400, "id", "id must be 1 to 64 letters, digits or _ . : - (the same for a retry).")
    if not isinstance(text, str):
        return _error(400, "text", "text must be a string.")
    if len(text) > MAX_TEXT:
        return _error(400, "text", f"text must be at most {MAX_TEXT} characters.")
    if lang is not None and lang not in LANGUAGES:
        return _error(400, "lang", f"lang must be one of {', '.join(LANGUAGES)}, or left out.")
    reply = hotline.answer(tokens.sender(token), message_id, text, int(time.time()), _initial(lang))
    return jsonify(replies=[_reply_json(reply)] if reply else [], lang=_switched_language(text) or lang)


@blueprint.errorhandler(Exception)
def _failure(error: Exception) -> Response | HTTPException:
    """A request too large gets a clear 413; anything unexpected still gets the hotline, never a 5xx."""
    if isinstance(error, RequestEntityTooLarge):
        if request.path == "/chat/messages":
            return _error(413, "too_large", "The request is too large.")
        return _page(_page_language(), tokens.issue(_hotline().pepper), notice="bad_request", status=413)
    if isinstance(error, HTTPException):
        return error
    log.error("web chat failed (%s); sent the static hotline reply", type(error).__name__)
    if request.path == "/chat/messages":  # plain text: nothing here may fail in turn
        return jsonify(replies=[{"text": STATIC_REPLY, "parts": [{"text": STATIC_REPLY}]}], lang=None)
    return _page(_page_language(), tokens.issue(_hotline().pepper), sent="", reply=STATIC_REPLY)


@blueprint.after_request
def _headers(response: Response) -> Response:
    """Strict CSP, framing only by the listed origins, nothing cached or sent on to other sites."""
    origins = current_app.extensions["webchat"].embed_origins
    ancestors = " ".join(origins) or "'none'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}")
    if not origins:
        response.headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    response.headers["Cache-Control"] = "no-store"  # nothing of the chat left in the browser's cache
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.vary.add("Accept-Language")
    return response


def _page(lang: str, token: str, *, sent: str | None = None, reply: str | None = None, continuing: bool = False,
          notice: str | None = None, status: int = 200) -> Response:
    """The chat page; after a form post it shows what was sent and the reply."""
    hotline = _hotline()
    words = WORDS[lang]
    data = {
        "lang": lang, "token": token, "continuing": continuing, "endpoint": "/chat/messages",
        "switch": SWITCH_MESSAGE,
        "words": {code: {**WORDS[code], "safety": [p.as_json() for p in parts(WORDS[code]["safety"])]}
                  for code in LANGUAGES},
    }
    html = render_template(
        "chat.html", lang=lang, words=words, program=hotline.options.program, token=token,
        message_id=secrets.token_hex(16), switch_id=secrets.token_hex(16), switch_lang=other(lang),
        safety=parts(words["safety"]), exit_url=current_app.extensions["webchat"].exit_url,
        sent=_displayable(sent) if sent is not None else None, reply=parts(reply) if reply else None,
        answered=sent is not None, notice=words[notice] if notice else None, data=data)
    return Response(html, status=status, mimetype="text/html")


def _error(status: int, code: str, message: str, **extra: str) -> Response:
    """A 4xx the page's script (or anyone calling the API) can act on: a code and a plain explanation."""
    response = jsonify(error=code, message=message, **extra)
    response.status_code = status
    return response


def _reply_json(reply: str) -> dict[str, object]:
    """A reply as the page's script shows it: its text, and the same text cut into plain runs and links."""
    return {"text": reply, "parts": [part.as_json() for part in parts(reply)]}


def _page_language() -> str:
    """`?lang=` if it names a language the bot speaks, else the browser's preferred one, else English."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def _initial(lang: str | None) -> State:
    """A new conversation starts in the page's language (a message clearly in the other one still wins)."""
    return State(lang=lang) if lang else NEW


def _switched_language(text: str) -> str | None:
    """The page's new language when the message is a language keyword (ENGLISH, ESPAÑOL, ...)."""
    flows = _hotline().flows
    if flows is None:
        return None
    intent, _ = match_intent(flows, normalise(text))
    return _SWITCHES.get(intent) if intent else None


def _displayable(text: str) -> str:
    """What the visitor sent, safe to put back in the page (lone surrogates cannot be encoded)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _hotline() -> Hotline:
    return current_app.extensions["hotline"]
