"""The conversation engine: a pure function from (flows, state, message, time) to (state, replies).

No Flask, Redis, clock or logging here, so the webhook, the console and the tests run the very
same code, and a turn can be re-run safely after a write conflict or to replay a Twilio retry.

Order of decisions for one message (safety first):
1. a conversation idle longer than `idle_timeout`, or left on a node the flows no longer have, starts
   again at the welcome (opt-out is kept);
2. what the message asks for (`bot.matching`: as written or with a typo), from anywhere: emergency,
   suicide, help, delete, stop, start, language, menu, greetings, then topics ("they took my passport");
   the reply follows the language the message is clearly written in;
3. after an opt-out, nothing else is answered (emergency, suicide, help, start and delete are);
4. a ZIP code, from anywhere: local help for that place;
5. a new conversation gets the welcome (the main menu, which carries 911 and the hotline);
6. the current node's choices, then the main menu's (so menu numbers work from any leaf), as written,
   then with typos corrected;
7. otherwise the re-prompt: the node's own hint inside the general one, which always says that this is
   an automated service and gives the hotline and 911 (no dead end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot import places
from bot.flow.model import ANSWERED_WHEN_OPTED_OUT, LANGUAGES, Flows, Intent, Localized, Node, Topic
from bot.matching import Match
from bot.state import State
from bot.text import fill, normalise

DEFAULT_IDLE_TIMEOUT = 3600
DEFAULT_PROGRAM = "Trafficking Help Lines"  # HOTLINE_PROGRAM_NAME's default; the HELP reply names it
# "12345", "12345 6789" (ZIP+4 after folding the hyphen), "zip 12345", "mi codigo postal es 12345".
_SPANISH_MARKS = frozenset("áéíóúñüÁÉÍÓÚÑÜ¿¡")
_ZIP = re.compile(r"^(?:(?:my )?zip(?: code)?(?: is)?|(?:mi )?codigo postal(?: es)?|cp)? ?(\d{5})(?: \d{4})?$")


@dataclass(frozen=True)
class Outcome:
    """What a turn decided: the state to keep (None: erase everything) and the replies to send."""

    state: State | None
    replies: tuple[str, ...] = ()


def step(flows: Flows, state: State, text: str, now: int, idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
         *, program: str = DEFAULT_PROGRAM) -> Outcome:
    """Answer one inbound message: the new state (None to erase everything) and the replies."""
    message = normalise(text)
    if state.node is not None and (now - state.last_seen > idle_timeout or state.node not in flows.nodes):
        # Idle too long, or the flows changed under a stored conversation (a node renamed or removed).
        state = replace(state, node=None)
    if state.lang not in (None, *LANGUAGES):
        state = replace(state, lang=None)
    match = flows.matcher.match(message)
    state = replace(state, lang=_language(flows, state.lang, match, text, message), last_seen=now)

    target = match.target if match else None
    if state.opted_out and target not in ANSWERED_WHEN_OPTED_OUT:
        return Outcome(state)
    if isinstance(target, Intent):
        return _on_intent(flows, state, target, program)
    if isinstance(target, Topic):
        return _go(flows, state, target.goto)
    zip_match = _ZIP.match(message)
    if zip_match:
        return _local_help(flows, state, zip_match.group(1))
    if state.node is None:
        return _go(flows, state, flows.start)
    chosen = _choose(flows, flows.node(state.node), message) or _choose(
        flows, flows.node(state.node), flows.matcher.correct(message))
    if chosen is not None:
        return _go(flows, state, chosen)
    return _reprompt(flows, state)


def carrier_opt(state: State, opted_out: bool, now: int) -> Outcome:
    """Record an opt-out or opt-in that Twilio's Advanced Opt-Out already answered: no reply of ours."""
    return Outcome(replace(state, opted_out=opted_out, last_seen=now))


def match_intent(flows: Flows, message: str) -> tuple[Intent | None, str | None]:
    """The global intent the normalised message asks for (as written or with a typo), and its language."""
    match = flows.matcher.match(message)
    if match is None or not isinstance(match.target, Intent):
        return None, None
    return match.target, match.lang


def detect_language(flows: Flows, text: str, message: str) -> str:
    """The language of a first message that does not say clearly: Spanish when it reads as Spanish (an
    accent, ñ, ¿ or ¡, or at least as many Spanish words of the flows as English ones), else English.
    A tie goes to Spanish: a Spanish speaker borrowing an English word is likelier than the reverse, and
    ENGLISH switches back."""
    if _SPANISH_MARKS.intersection(text):
        return "es"
    tokens = set(message.split()) | set(flows.matcher.correct(message).split())
    spanish = len(tokens & flows.matcher.words_of("es"))
    english = len(tokens & flows.matcher.words_of("en"))
    return "es" if spanish and spanish >= english else "en"


def _language(flows: Flows, current: str | None, match: Match | None, text: str, message: str) -> str:
    """The language of the reply: the one the message is clearly written in, else the conversation's.

    Words say it first; failing them, a written accent, ñ, ¿ or ¡ ("menú") reads as Spanish."""
    clearly = (match.lang if match else None) or flows.matcher.language(message)
    if clearly is None and current is not None and _SPANISH_MARKS.intersection(text):
        clearly = "es"
    return clearly or current or detect_language(flows, text, message)


def _on_intent(flows: Flows, state: State, intent: Intent, program: str) -> Outcome:
    """The answer to a global keyword."""
    here = state.node or flows.start
    if intent is Intent.EMERGENCY:
        return _say(flows, replace(state, node=here), "emergency")
    if intent is Intent.SUICIDE:
        return _say(flows, replace(state, node=here), "suicide")
    if intent is Intent.HELP:
        return _say(flows, replace(state, node=here), "help", program=program)
    if intent is Intent.DELETE:
        return Outcome(None, (_render(flows.node("erased").say, state.lang),))
    if intent is Intent.STOP:
        return _say(flows, replace(state, opted_out=True, node=here), "stopped")
    if intent is Intent.START and state.opted_out:
        return _say(flows, replace(state, opted_out=False, node=flows.start), "started")
    if intent is Intent.ENGLISH:
        state = replace(state, lang="en")
    elif intent is Intent.SPANISH:
        state = replace(state, lang="es")
    return _go(flows, state, flows.start)  # MENU, HELLO, a language switch, START when not opted out


def _local_help(flows: Flows, state: State, zip_code: str) -> Outcome:
    """Local help for a ZIP code: the place's name and the hotline's offer to connect locally."""
    place = places.place_name(zip_code, state.lang or "en")
    state = replace(state, node=state.node or flows.start)
    if place is None:
        return _say(flows, state, "local_unknown")
    return _say(flows, state, "local_found", place=place)


def _choose(flows: Flows, node: Node, message: str) -> str | None:
    """The node a choice leads to: this node's choices first, then the main menu's."""
    for candidate in (node, flows.node(flows.start)):
        for choice in candidate.choices:
            if choice.matches(message):
                return choice.goto
    return None


def _reprompt(flows: Flows, state: State) -> Outcome:
    """The general re-prompt with the node's own hint in it; the texter stays where they are."""
    node = flows.node(state.node or flows.start)
    hint = node.reprompt.get(state.lang or "en") if node.reprompt else ""
    return _say(flows, state, "reprompt", hint=hint)


def _go(flows: Flows, state: State, name: str) -> Outcome:
    """Move to node `name` and say it."""
    return _say(flows, replace(state, node=name), name)


def _say(flows: Flows, state: State, name: str, **values: str) -> Outcome:
    """Say node `name` without changing the texter's place (unless `state` already did)."""
    return Outcome(state, (_render(flows.node(name).say, state.lang, **values),))


def _render(text: Localized, lang: str | None, **values: str) -> str:
    """`text` in `lang` with its placeholders filled ({{ and }} become literal braces)."""
    return fill(text.get(lang or "en"), **values)
