"""The service behind every channel: one message in, at most one reply out, never an exception.

Channels (the Twilio webhook, the console) hand it a sender address, a message id and a body;
it pseudonymises the sender, runs the conversation, and falls back to the static hotline reply
when the store or the flows fail. It logs no phone number, body or ZIP code, only what failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import conversation
from bot.conversation import Store
from bot.engine import DEFAULT_PROGRAM, carrier_opt, step
from bot.fallback import STATIC_REPLY
from bot.flow.model import Flows
from bot.identity import pseudonym
from bot.state import NEW, State

log = logging.getLogger(__name__)
MAX_BODY = 1600  # Twilio rejects a longer message (error 14103)


@dataclass
class Hotline:
    """Flows (None when they failed to load), the store, the pepper, the idle timeout and the program's name."""

    flows: Flows | None
    store: Store
    pepper: bytes
    idle_timeout: int
    program: str = DEFAULT_PROGRAM

    def answer(self, sender: str, message_id: str, text: str, now: int, initial: State = NEW) -> str | None:
        """The reply to one inbound message (None: send nothing, e.g. after an opt-out)."""
        if self.flows is None:
            return STATIC_REPLY
        flows = self.flows
        try:
            replies = conversation.run(
                self.store, pseudonym(self.pepper, sender), message_id, now,
                lambda state, at: step(flows, state, text, at, self.idle_timeout, program=self.program), initial,
            )
        except Exception as error:  # the texter gets the hotline whatever broke
            log.error("conversation failed (%s); sent the static hotline reply", type(error).__name__)
            return STATIC_REPLY
        return "\n\n".join(replies)[:MAX_BODY] if replies else None

    def record_opt(self, sender: str, message_id: str, opted_out: bool, now: int) -> None:
        """Remember an opt-out or opt-in that the carrier layer (Twilio Advanced Opt-Out) already answered."""
        try:
            conversation.run(
                self.store, pseudonym(self.pepper, sender), message_id, now,
                lambda state, at: carrier_opt(state, opted_out, at),
            )
        except Exception as error:
            log.error("could not record an opt-out change (%s)", type(error).__name__)
