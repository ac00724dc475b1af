"""The conversation engine: a pure function from (flows, state, message, time) to (state, replies).

No Flask, Redis, clock or logging here, so the webhook, the console and the tests run the very
same code, and a turn can be re-run safely after a write conflict or to replay a Twilio retry.

Order of decisions for one message (safety first):
1. a conversation idle longer than `idle_timeout`, or left on a node the flows no longer have, starts
   again at the welcome (opt-out is kept);
2. global keywords, from anywhere: emergency, help, delete, stop, start, language, menu, greetings;
3. after an opt-out, nothing else is answered;
4. a ZIP code, from anywhere: local help for that place;
5. a new conversation gets the welcome (the main menu, which carries 911 and the hotline);
6. the current node's choices, then the main menu's (so menu numbers work from any leaf);
7. otherwise a re-prompt.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot import places
from bot.conversation import Outcome
from bot.flow.model import LANGUAGES, Flows, Intent, Localized, Node
from bot.state import State
from bot.text import contains_phrase, normalise

DEFAULT_IDLE_TIMEOUT = 3600
# "12345", "12345 6789" (ZIP+4 after folding the hyphen), "zip 12345", "mi codigo postal es 12345".
_ZIP = re.compile(r"^(?:(?:my )?zip(?: code)?(?: is)?|(?:mi )?codigo postal(?: es)?|cp)? ?(\d{5})(?: \d{4})?$")
# Intents still answered after an opt-out: cries for help, the way back in, and erasure.
_ANSWERED_WHEN_OPTED_OUT = {Intent.EMERGENCY, Intent.HELP, Intent.START, Intent.DELETE}


def step(flows: Flows, state: State, text: str, now: int, idle_timeout: int = DEFAULT_IDLE_TIMEOUT) -> Outcome:
    """Answer one inbound message: the new state (None to erase everything) and the replies."""
    message = normalise(text)
    if state.node is not None and (now - state.last_seen > idle_timeout or state.node not in flows.nodes):
        # Idle too long, or the flows changed under a stored conversation (a node renamed or removed).
        state = replace(state, node=None)
    if state.lang not in (None, *LANGUAGES):
        state = replace(state, lang=None)
    intent, intent_lang = match_intent(flows, message)
    lang = state.lang or intent_lang or detect_language(flows, text, message)
    state = replace(state, lang=lang, last_seen=now)

    if state.opted_out and intent not in _ANSWERED_WHEN_OPTED_OUT:
        return Outcome(state)
    if intent is not None:
        return _on_intent(flows, state, intent)
    zip_match = _ZIP.match(message)
    if zip_match:
        return _local_help(flows, state, zip_match.group(1))
    if state.node is None:
        return _go(flows, state, flows.start)
    target = _choose(flows, flows.node(state.node), message)
    if target is not None:
        return _go(flows, state, target)
    return _reprompt(flows, state)


def carrier_opt(state: State, opted_out: bool, now: int) -> Outcome:
    """Record an opt-out or opt-in that Twilio's Advanced Opt-Out already answered: no reply of ours."""
    return Outcome(replace(state, opted_out=opted_out, last_seen=now))


def match_intent(flows: Flows, message: str) -> tuple[Intent | None, str | None]:
    """The first global keyword the normalised message matches, and the language it is written in."""
    if not message:
        return None, None
    for intent in Intent:  # declaration order is precedence order
        keywords = flows.keywords[intent]
        for lang, words in keywords.words.items():
            if message in words:
                return intent, lang
        for lang, phrases in keywords.phrases.items():
            if any(contains_phrase(message, phrase) for phrase in phrases):
                return intent, lang
    return None, None


def detect_language(flows: Flows, text: str, message: str) -> str:
    """Spanish when the first message reads as Spanish (¿ ¡ ñ, or at least as many Spanish keywords as
    English ones), else English. A tie goes to Spanish: a Spanish speaker borrowing an English word is
    likelier than the reverse, and the texter can switch with ENGLISH at any time."""
    if any(c in text for c in "¿¡ñÑ"):
        return "es"
    tokens = set(message.split())
    spanish = sum(1 for t in tokens if t in flows.vocabulary("es"))
    english = sum(1 for t in tokens if t in flows.vocabulary("en"))
    return "es" if spanish and spanish >= english else "en"


def _on_intent(flows: Flows, state: State, intent: Intent) -> Outcome:
    """The answer to a global keyword."""
    here = state.node or flows.start
    if intent is Intent.EMERGENCY:
        return _say(flows, replace(state, node=here), "emergency")
    if intent is Intent.HELP:
        return _say(flows, replace(state, node=here), "help")
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
    return Outcome(state, (_render(flows.node("local_found").say, state.lang, place=place),))


def _choose(flows: Flows, node: Node, message: str) -> str | None:
    """The node a choice leads to: this node's choices first, then the main menu's."""
    for candidate in (node, flows.node(flows.start)):
        for choice in candidate.choices:
            if choice.matches(message):
                return choice.goto
    return None


def _reprompt(flows: Flows, state: State) -> Outcome:
    """Say the node's own re-prompt, or the general one; the texter stays where they are."""
    node = flows.node(state.node or flows.start)
    text = node.reprompt or flows.node("reprompt").say
    return Outcome(state, (_render(text, state.lang),))


def _go(flows: Flows, state: State, name: str) -> Outcome:
    """Move to node `name` and say it."""
    return _say(flows, replace(state, node=name), name)


def _say(flows: Flows, state: State, name: str) -> Outcome:
    """Say node `name` without changing the texter's place (unless `state` already did)."""
    return Outcome(state, (_render(flows.node(name).say, state.lang),))


def _render(text: Localized, lang: str | None, **values: str) -> str:
    """`text` in `lang` with its placeholders filled ({{ and }} become literal braces)."""
    return text.get(lang or "en").format_map(values)
