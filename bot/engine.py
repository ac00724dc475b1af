"""The conversation engine: a pure function from (flows, state, message, time) to (state, replies).

No Flask, Redis, clock or logging here, so the webhook, the console and the tests run the very
same code, and a turn can be re-run safely after a write conflict or to replay a Twilio retry.

Order of decisions for one message (safety first):
1. a conversation idle longer than `Options.idle_timeout`, or left on a node the flows no longer have
   (renamed or removed by an edit the server reloaded), starts again at the welcome, which is the main
   menu (opt-out is kept);
2. what the message asks for (`bot.matching`: as written or with a typo), from anywhere: emergency,
   suicide, help, delete, stop, start, language, menu, greetings, then topics ("they took my passport");
   the reply follows the language the message is clearly written in;
3. after an opt-out, nothing else is answered (emergency, suicide, help, start and delete are); a sender
   who writes faster than `Options.per_minute` gets one notice, then silence for `Options.pause` seconds,
   except for those same words and STOP (`NEVER_LIMITED`);
4. on the local results: MORE (the next page) or a need (by digit or word) narrows the list;
5. a ZIP code, from anywhere, or a city and state or a state where the bot asked for a place: local
   help from the referral directory, nearest first (`bot.referrals`);
6. a new conversation gets the welcome (the main menu, which carries 911 and the hotline);
7. the current node's choices, then the main menu's (so menu numbers work from any leaf), as written,
   then with typos corrected;
8. otherwise the re-prompt: the node's own hint inside the general one, which always says that this is
   an automated service and gives the hotline and 911 (no dead end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import places
from bot.flow.model import ANSWERED_WHEN_OPTED_OUT, LANGUAGES, Choice, Flows, Intent, Localized, Node, Topic
from bot.matching import Match
from bot.referrals import places as referral_places
from bot.referrals.search import Query
from bot.state import State, evolve
from bot.text import fill, normalise

DEFAULT_IDLE_TIMEOUT = 3600
DEFAULT_PROGRAM = "Trafficking Help Lines"  # HOTLINE_PROGRAM_NAME's default; the HELP reply names it
# Never held back by the rate limit: cries for help, and the words that opt out, in, or erase.
NEVER_LIMITED = ANSWERED_WHEN_OPTED_OUT | {Intent.STOP}
RATE_WINDOW = 60  # seconds
# "12345", "12345 6789" (ZIP+4 after folding the hyphen), "zip 12345", "mi codigo postal es 12345".
_SPANISH_MARKS = frozenset("áéíóúñüÁÉÍÓÚÑÜ¿¡")
_ZIP = re.compile(r"^(?:(?:my )?zip(?: code)?(?: is)?|(?:mi )?codigo postal(?: es)?|cp)? ?(\d{5})(?: \d{4})?$")
ASKS_FOR_PLACE = ("local", "local_found", "local_unknown")  # where "Houston, TX" or "Texas" is a place
RESULTS = "local_found"  # the node of the local results; `State.local` holds their query while there


@dataclass(frozen=True)
class Outcome:
    """What a turn decided: the state to keep (None: erase everything), the replies to send, and the name of
    the node each reply said (for metrics and coverage)."""

    state: State | None
    replies: tuple[str, ...] = ()
    said: tuple[str, ...] = ()
    limited: bool = False  # held back by the rate limit (the one notice, or silence)
    chose: tuple[str, int] | None = None  # (node, number from 1) of the choice the message picked, if one did


@dataclass(frozen=True)
class Options:
    """How the engine behaves, from the settings: idle timeout, program name, per-sender rate limit."""

    idle_timeout: int = DEFAULT_IDLE_TIMEOUT  # seconds before a conversation starts again at the welcome
    program: str = DEFAULT_PROGRAM
    per_minute: int = 20  # messages a sender may send in a minute before the bot pauses its replies
    pause: int = 600  # seconds the bot then stays quiet (cries for help and STOP are still answered)


DEFAULT_OPTIONS = Options()


def step(flows: Flows, state: State, text: str, now: int, options: Options = DEFAULT_OPTIONS) -> Outcome:
    """Answer one inbound message: the new state (None to erase everything) and the replies."""
    outcome = _decide(flows, state, text, now, options)
    if outcome.state is not None and outcome.state.local is not None and outcome.state.node != RESULTS:
        # A query is kept only while its results are on screen: leaving them forgets the place.
        return evolve(outcome, state=evolve(outcome.state, local=None))
    return outcome


def _decide(flows: Flows, state: State, text: str, now: int, options: Options) -> Outcome:
    """The answer to one message, before the conversation is tidied up."""
    message = normalise(text)
    if state.node is not None and (now - state.last_seen > options.idle_timeout or state.node not in flows.nodes):
        # Idle too long, or the flows changed under a stored conversation (a node renamed or removed).
        state = evolve(state, node=None)
    if state.lang not in (None, *LANGUAGES):
        state = evolve(state, lang=None)
    match = flows.matcher.match(message)
    state = evolve(state, lang=_language(flows, state.lang, match, text, message), last_seen=now)

    target = match.target if match else None
    if state.opted_out and target not in ANSWERED_WHEN_OPTED_OUT:
        return Outcome(state)
    state, held_back = _rate_limited(state, now, target in NEVER_LIMITED, options)
    if held_back == "notice":
        return evolve(_say(flows, state, "slowed"), limited=True)
    if held_back == "quiet":
        return Outcome(state, limited=True)
    if isinstance(target, Intent):
        return _on_intent(flows, state, target, options.program, now)
    narrowed = _narrowed(flows, state, message, now)
    if narrowed is not None:
        return narrowed
    if isinstance(target, Topic):
        return _go(flows, state, target.goto)
    zip_match = _ZIP.match(message)
    if zip_match or (state.node in ASKS_FOR_PLACE and _names_a_place(text, message)):
        return _local_help(flows, state, zip_match.group(1) if zip_match else text, now)
    if state.node is None:
        return _go(flows, state, flows.start)
    chosen = _choose(flows, flows.node(state.node), message) or _choose(
        flows, flows.node(state.node), flows.matcher.correct(message))
    if chosen is not None:
        page, number, choice = chosen
        return evolve(_go(flows, state, choice.goto), chose=(page, number))
    return _reprompt(flows, state)


def carrier_opt(state: State, opted_out: bool, now: int) -> Outcome:
    """Record an opt-out or opt-in that Twilio's Advanced Opt-Out already answered: no reply of ours."""
    return Outcome(evolve(state, opted_out=opted_out, last_seen=now, opt_at=now))


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


def _on_intent(flows: Flows, state: State, intent: Intent, program: str, now: int) -> Outcome:
    """The answer to a global keyword."""
    here = state.node or flows.start
    if intent is Intent.EMERGENCY:
        return _say(flows, evolve(state, node=here), "emergency")
    if intent is Intent.SUICIDE:
        return _say(flows, evolve(state, node=here), "suicide")
    if intent is Intent.HELP:
        return _say(flows, evolve(state, node=here), "help", program=program)
    if intent is Intent.DELETE:
        return Outcome(None, (_render(flows.node("erased").say, state.lang),), ("erased",))
    if intent is Intent.STOP:
        return _say(flows, evolve(state, opted_out=True, opt_at=now, node=here), "stopped")
    if intent is Intent.START and state.opted_out:
        return _say(flows, evolve(state, opted_out=False, opt_at=now, node=flows.start), "started")
    if intent is Intent.START:
        # An opt-in all the same: a STOP that another machine spooled earlier, unknown here, must yield to it.
        state = evolve(state, opt_at=now)
    if intent is Intent.ENGLISH:
        state = evolve(state, lang="en")
    elif intent is Intent.SPANISH:
        state = evolve(state, lang="es")
    return _go(flows, state, flows.start)  # MENU, HELLO, a language switch, START when not opted out


def _rate_limited(state: State, now: int, urgent: bool, options: Options) -> tuple[State, str | None]:
    """Count this message in the sender's minute; "notice" for the one that goes over the limit, "quiet"
    while replies pause, None when it is answered."""
    if now - state.window_start >= RATE_WINDOW or now < state.window_start:
        state = evolve(state, window_start=now, window_count=1)
    else:
        state = evolve(state, window_count=state.window_count + 1)
    if urgent:
        return state, None
    if now < state.quiet_until:
        return state, "quiet"
    if state.window_count > options.per_minute:
        return evolve(state, quiet_until=now + options.pause), "notice"
    return state, None


def _names_a_place(text: str, message: str) -> bool:
    """Whether a message could name a place: "Houston, TX", "Texas", "TX" (a two-letter state code only in
    capitals, so "ok", "me" and "in" stay words)."""
    if len(message) == 2:
        return text.strip().isupper() and referral_places.resolve(message) is not None
    return any(c.isalpha() for c in message) and referral_places.resolve(message) is not None


def _local_help(flows: Flows, state: State, where: str, now: int) -> Outcome:
    """Local help for a place: the directory's nearest services, or, without a directory, the place's name
    and the hotline's offer to connect locally."""
    lang = state.lang or "en"
    if flows.directory is None:
        name = places.place_name(where, lang)
        if name is None:
            return _go(flows, state, "local_unknown")
        return _say(flows, evolve(state, node=RESULTS), RESULTS, place=name)
    place = referral_places.resolve(where)
    if place is None:
        return _go(flows, state, "local_unknown")
    return _results(flows, state, Query.at(place), now)


def _narrowed(flows: Flows, state: State, message: str, now: int) -> Outcome | None:
    """On the local results: the next page for MORE, the list narrowed to a need; None for anything else."""
    query = Query.from_str(state.local) if state.node == RESULTS and flows.directory else None
    if query is None:
        return None
    if flows.directory.asks_for_more(message):
        return _results(flows, state, query, now)
    need = flows.directory.need(message)
    if need is not None:
        return _results(flows, state, Query(query.place, need.key, 0), now)
    return None


def _results(flows: Flows, state: State, query: Query, now: int) -> Outcome:
    """One page of the directory's results for `query`; the query for the next page is kept."""
    found = flows.local_page(query, state.lang or "en", now // 60)
    return Outcome(evolve(state, node=RESULTS, local=found.next.to_str()), (found.text,), (RESULTS,))


def _choose(flows: Flows, node: Node, message: str) -> tuple[str, int, Choice] | None:
    """The choice the message picks (its node, its number from 1, the choice): this node's choices first, then
    the main menu's."""
    for candidate in (node, flows.node(flows.start)):
        for number, choice in enumerate(candidate.choices, 1):
            if choice.matches(message):
                return candidate.name, number, choice
    return None


def _reprompt(flows: Flows, state: State) -> Outcome:
    """The general re-prompt with the node's own hint in it; the texter stays where they are."""
    node = flows.node(state.node or flows.start)
    hint = node.reprompt.get(state.lang or "en") if node.reprompt else ""
    return _say(flows, state, "reprompt", hint=hint)


def _go(flows: Flows, state: State, name: str) -> Outcome:
    """Move to node `name` and say it."""
    return _say(flows, evolve(state, node=name), name)


def _say(flows: Flows, state: State, name: str, **values: str) -> Outcome:
    """Say node `name` without changing the texter's place (unless `state` already did)."""
    return Outcome(state, (_render(flows.node(name).say, state.lang, **values),), (name,))


def _render(text: Localized, lang: str | None, **values: str) -> str:
    """`text` in `lang` with its placeholders filled ({{ and }} become literal braces)."""
    return _filled(text.get(lang or "en"), tuple(sorted(values.items())))


@lru_cache(maxsize=4096)
def _filled(template: str, values: tuple[tuple[str, str], ...]) -> str:
    """A text with its values in, kept: the same few texts are sent again and again."""
    return fill(template, **dict(values))
