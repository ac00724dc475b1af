"""The service behind every channel: one message in, at most one reply out, never an exception.

Channels (the Twilio webhook, web chat, the console) hand it a sender address, a message id and a body;
it pseudonymises the sender, runs the conversation, and when the store fails still answers: STOP, START and
DELETE are kept in the local spool (`bot.spool`) and confirmed, anything else gets the static hotline reply.
Replies to phone numbers outside the allowed countries are not sent (SMS pumping). It logs no phone number,
body or ZIP code, only what failed.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache

from redis.exceptions import RedisError

from bot import conversation, metrics
from bot.conversation import ConflictError, Store
from bot.engine import DEFAULT_OPTIONS, Options, Outcome, carrier_opt, step
from bot.fallback import STATIC_REPLY
from bot.flow.model import Flows
from bot.identity import identify
from bot.spool import Action, Pending, Spool
from bot.state import NEW, State
from bot.text import segments

log = logging.getLogger(__name__)
MAX_BODY = 1600  # Twilio rejects a longer message (error 14103)
US_AND_TERRITORIES = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})
STORE_ERRORS = (RedisError, ConflictError, OSError)  # what the store raises when Redis is away or too busy


@dataclass
class Hotline:
    """Flows (None when they failed to load), the store, the pepper, the engine's options, the spool for
    requests Redis could not take, and the countries replies may go to."""

    flows: Flows | None
    store: Store
    pepper: bytes
    options: Options = DEFAULT_OPTIONS
    spool: Spool | None = None
    countries: Collection[str] = field(default=US_AND_TERRITORIES)

    def answer(self, sender: str, message_id: str, text: str, now: int, initial: State = NEW) -> str | None:
        """The reply to one inbound message (None: send nothing, e.g. after an opt-out)."""
        who = identify(self.pepper, sender)
        metrics.child(metrics.MESSAGES, who.channel).inc()
        if self.flows is None:
            metrics.FALLBACKS.labels("flows").inc()
            return self._to(who.region, who.channel, STATIC_REPLY)
        pid = who.pid
        flows = self.flows
        try:
            self.apply_spool()
            outcome = conversation.run(self.store, pid, message_id, now,
                                       lambda state, at: step(flows, state, text, at, self.options), initial)
        except Exception as error:  # the texter gets the hotline whatever broke, and keeps their STOP
            if isinstance(error, STORE_ERRORS):
                metrics.REDIS_ERRORS.inc()
            log.error("conversation failed (%s); answered without the store", type(error).__name__)
            outcome = self._without_store(flows, pid, text, now, initial)
        if outcome.limited:
            metrics.RATE_LIMITED.inc()
        reply = "\n\n".join(outcome.replies)[:MAX_BODY] if outcome.replies else None
        if reply is not None:
            lang = outcome.state.lang if outcome.state is not None and outcome.state.lang else initial.lang or "-"
            for node in outcome.said:
                metrics.child(metrics.REPLIES, node, lang).inc()
        return self._to(who.region, who.channel, reply)

    def record_opt(self, sender: str, message_id: str, opted_out: bool, now: int) -> None:
        """Remember an opt-out or opt-in that the carrier layer (Twilio Advanced Opt-Out, or a status callback
        saying a number unsubscribed) already answered; spooled if the store cannot take it."""
        pid = identify(self.pepper, sender).pid
        try:
            self.apply_spool()
            conversation.run(self.store, pid, message_id, now, lambda state, at: carrier_opt(state, opted_out, at))
        except Exception as error:
            if isinstance(error, STORE_ERRORS):
                metrics.REDIS_ERRORS.inc()
            log.error("could not record an opt-out change (%s); spooling it", type(error).__name__)
            self._spool(Action.OPT_OUT if opted_out else Action.OPT_IN, pid, now)

    def apply_spool(self) -> int:
        """Apply what the spool holds (before answering anyone, so a spooled STOP is never outrun); raises
        while the store still fails. Costs one stat() when the spool is empty."""
        if self.spool is None:
            return 0
        applied = self.spool.drain(self._apply)
        if applied:
            metrics.SPOOL_APPLIED.inc(applied)
            log.warning("applied %d opt-out or erase request(s) kept while Redis was away", applied)
        return applied

    def _apply(self, request: Pending) -> None:
        """Write one spooled request to the store (raises while it cannot)."""
        conversation.run(self.store, request.pid, f"spool:{request.action.value}:{request.at}", request.at,
                         lambda state, at: spooled_turn(state, request))

    def _without_store(self, flows: Flows, pid: str, text: str, now: int, initial: State) -> Outcome:
        """The answer when the store failed: the engine, pure, tells STOP, START and DELETE apart (they are
        spooled and confirmed); anything else gets the static reply, or nothing to a spooled opt-out."""
        pending = self.spool.state_of(pid) if self.spool is not None else None
        before = replace(initial, opted_out=pending is Action.OPT_OUT)
        outcome = step(flows, before, text, now, self.options)
        if outcome.state is None:
            asked: Action | None = Action.ERASE
        elif outcome.state.opted_out != before.opted_out:
            asked = Action.OPT_OUT if outcome.state.opted_out else Action.OPT_IN
        else:
            asked = None
        if asked is not None and self._spool(asked, pid, now):
            return replace(outcome, state=None)
        if before.opted_out and asked is None:
            return replace(outcome, state=None)  # still opted out: only cries for help are answered
        metrics.FALLBACKS.labels("store").inc()
        return Outcome(None, (STATIC_REPLY,), ("static",))

    def _spool(self, action: Action, pid: str, now: int) -> bool:
        """Keep a request for when Redis is back; False if there is no spool or it cannot take it."""
        if self.spool is None:
            return False
        try:
            self.spool.append(action, pid, now)
        except Exception as error:
            log.error("could not spool a %s request (%s)", action.value, type(error).__name__)
            return False
        metrics.SPOOLED.labels(action.value).inc()
        return True

    def _to(self, region: str | None, channel: str, reply: str | None) -> str | None:
        """`reply`, unless the sender is a phone number in a country (`region`) replies may not go to."""
        if reply is None:
            return None
        if region is not None and region not in self.countries:
            metrics.SUPPRESSED.inc()
            return None
        metrics.child(metrics.SEGMENTS, channel).inc(_segment_count(reply))
        return reply


def spooled_turn(state: State, request: Pending) -> Outcome:
    """A spooled request applied to the conversation as Redis now holds it. The spool is per machine: while one
    machine could not reach Redis, the texter may have opted out or in again through another, and that later
    decision stands, and no erasure drops a later STOP. Within the same second the spooled request applies: the
    spool's own requests follow each other that closely (STOP, then START), and they must apply in order."""
    stands = state.opt_at > request.at
    if request.action is Action.ERASE:
        if stands and state.opted_out:
            return Outcome(State(opted_out=True, last_seen=state.opt_at, opt_at=state.opt_at))
        return Outcome(None)
    if stands:
        return Outcome(state)
    return carrier_opt(state, request.action is Action.OPT_OUT, request.at)


@lru_cache(maxsize=512)
def _segment_count(reply: str) -> int:
    """Segments a reply costs, for the metric: most replies are the same few hundred texts of the flows, and
    counting walks every character."""
    return segments(reply).count
