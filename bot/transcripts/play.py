"""Sending a transcript's messages to the bot: straight to the engine (through `Hotline`), or through the Twilio
webhook with each request signed as Twilio signs it. Each transcript gets a fresh embedded store.

Besides the replies, each turn keeps what the engine decided (`bot.engine.Outcome`: the nodes it said, the state
it left), for coverage. It is recomputed, the engine being pure, from the state the store handed the engine:
`Hotline` itself is used unchanged, on a store that remembers what it last loaded.
"""

from __future__ import annotations

import os
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot import build_hotline, store
from bot import settings as settings_module
from bot.conversation import Snapshot
from bot.engine import Outcome, step
from bot.hotline import Hotline
from bot.signing import inbound_form
from bot.signing import signature as signed
from bot.state import NEW, State
from bot.transcripts.format import Exchange, Transcript

SENDER = "+15550100000"  # a fictional number (555-01xx is reserved for fiction)
START_TIME = 1_800_000_000
PUBLIC_URL = "https://replay.invalid"  # the webhook's public URL in replays (.invalid never resolves)


@dataclass(frozen=True)
class Turn:
    """One message of a transcript as played: the reply sent, and what the engine decided (None when the flows
    are broken and the static reply answered)."""

    exchange: Exchange
    reply: str | None
    outcome: Outcome | None


def settings_for(flows_dir: Path | None) -> dict[str, str]:
    """The settings replays run with, as `hotline-bot chat` reads them (the environment, in development mode, on
    the embedded store), with `flows_dir` if given."""
    overrides = {"HOTLINE_FLOWS_DIR": str(flows_dir)} if flows_dir is not None else {}
    return settings_module.read({**os.environ, "HOTLINE_ENV": "development", "REDIS_URL": "", **overrides})


class Engine:
    """The engine through `Hotline`, as the console chat uses it; a fresh embedded store for each transcript."""

    def __init__(self, hotline: Hotline) -> None:
        """Answer with `hotline`'s flows and options."""
        self.base = hotline
        self.hotline = hotline

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> Engine:
        """An engine channel built as the bot is from `settings`."""
        return cls(build_hotline(settings))

    def fresh(self) -> None:
        """Start on an empty store."""
        self.hotline = replace(self.base, store=store.RedisStore(
            store.embedded(), self.base.store.session_ttl, self.base.store.optout_ttl))

    def send(self, message_id: str, text: str, now: int, initial: State) -> str | None:
        """The hotline's answer."""
        return self.hotline.answer(SENDER, message_id, text, now, initial)


class Webhook(Engine):
    """POST /sms of the Flask app, signed exactly as Twilio signs (a throwaway token and public URL); the reply
    is read back from the TwiML. The webhook has no clock or starting language of its own to set, so the
    transcript's are handed to the hotline behind it."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        """The app as `create_app` builds it from `settings`, with a token, so every signature is checked."""
        from bot import create_app

        self.token = secrets.token_hex(16)
        self.app = create_app({**settings, "TWILIO_AUTH_TOKEN": self.token, "HOTLINE_PUBLIC_URL": PUBLIC_URL,
                               "HOTLINE_PEPPER": secrets.token_hex(32)})
        self.client = self.app.test_client()
        super().__init__(self.app.extensions["hotline"])

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> Webhook:
        """A webhook channel on an app built from `settings`."""
        return cls(settings)

    def send(self, message_id: str, text: str, now: int, initial: State) -> str | None:
        """The <Message> of the TwiML the webhook answers with (None for an empty <Response/>)."""
        form = inbound_form(text, SENDER, message_id)
        signature = signed(PUBLIC_URL + "/sms", form, self.token)
        self.app.extensions["hotline"] = _Clocked(self.hotline, now, initial)
        try:
            response = self.client.post("/sms", data=form, headers={"X-Twilio-Signature": signature})
        finally:
            self.app.extensions["hotline"] = self.hotline
        if response.status_code != 200:
            raise RuntimeError(f"the webhook answered {response.status_code}: {response.get_data(as_text=True)}")
        messages = [child.text or "" for child in ET.fromstring(response.get_data())]
        return messages[0] if messages else None


class _Clocked:
    """The hotline, answering at the transcript's time and from its starting state."""

    def __init__(self, hotline: Hotline, now: int, initial: State) -> None:
        self._hotline, self._now, self._initial = hotline, now, initial

    def answer(self, sender: str, message_id: str, text: str, now: int, initial: State = NEW) -> str | None:
        """`Hotline.answer` at the transcript's time."""
        return self._hotline.answer(sender, message_id, text, self._now, self._initial)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hotline, name)


class _Remembering:
    """A store that remembers the last snapshot it loaded: the state the engine was handed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.last: Snapshot | None = None

    def load(self, pid: str, message_id: str) -> Snapshot:
        """Load, and remember what was loaded."""
        self.last = self.inner.load(pid, message_id)
        return self.last

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def play(transcript: Transcript, channel: Engine) -> list[Turn]:
    """Send every message of the transcript through `channel`, on a fresh store; the turns, in order."""
    channel.fresh()
    remembering = _Remembering(channel.hotline.store)
    channel.hotline = replace(channel.hotline, store=remembering)
    flows, options = channel.hotline.flows, channel.hotline.options
    now, turns, message_number = START_TIME, [], 0
    for exchange in transcript.exchanges:
        now += exchange.gap
        if not exchange.resend:
            message_number += 1
        remembering.last = None
        reply = channel.send(f"SM{message_number:032d}", exchange.text, now, transcript.initial)
        met, at = _met(remembering.last, transcript.initial, now)
        outcome = step(flows, met, exchange.text, at, options) if flows is not None else None
        turns.append(Turn(exchange, reply, outcome))
    return turns


def _met(snapshot: Snapshot | None, initial: State, now: int) -> tuple[State, int]:
    """The state and time the engine answered from, as `bot.conversation.run` chose them."""
    if snapshot is None:
        return initial, now
    if snapshot.replay is not None:  # a retry: answered again from the state the first delivery met
        return snapshot.replay.before or initial, snapshot.replay.at
    return snapshot.state or initial, now


def replies(transcript: Transcript, channel: Engine) -> list[str | None]:
    """The replies to every message of the transcript, in order."""
    return [turn.reply for turn in play(transcript, channel)]
