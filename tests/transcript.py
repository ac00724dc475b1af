"""Conversation transcripts: readable files that replay a whole conversation against the bot.

Format, one instruction a line (blank lines and `#` comments are ignored):

    @ lang es          start in Spanish, as `hotline-bot chat --lang es` (before the first message)
    > hola             the texter sends "hola"
    < Si corres...     the reply, exactly: consecutive `<` lines are its lines (`<` alone: an empty line)
    ~ 1-888-373-7888   the reply contains this (any number of `~` lines)
    !~ Sorry           the reply does not contain this
    (no reply)         the bot sends nothing
    @ wait 2h          the clock moves on (s, m, h or d)
    @ resend           the previous message arrives again with the same MessageSid (a Twilio retry)

`pytest --update-conversations` rewrites the exact (`<`) expectations, and adds them where a message
has none, from what the bot says now; `~` and `!~` lines are kept and still checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.hotline import Hotline
from bot.state import NEW, State

SENDER = "+15550100000"  # a fictional number (555-01xx is reserved for fiction)
START_TIME = 1_800_000_000
SECONDS_BETWEEN_MESSAGES = 10
_WAIT = re.compile(r"^@ wait (\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TranscriptError(Exception):
    """A transcript that cannot be read, with its line."""


@dataclass
class Exchange:
    """One message and what the reply must be."""

    line: int
    text: str
    resend: bool = False
    wait: int = 0
    exact: list[str] | None = None
    contains: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    no_reply: bool = False
    expectation_lines: list[int] = field(default_factory=list)  # line numbers of `<` lines, for updates


@dataclass
class Transcript:
    """A parsed conversation file."""

    path: Path
    initial: State
    exchanges: list[Exchange]


def parse(path: Path) -> Transcript:
    """Read a transcript file."""
    initial, exchanges, wait = NEW, [], 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        current = exchanges[-1] if exchanges else None
        if line.startswith("> ") or line == ">":
            exchanges.append(Exchange(number, line[2:], wait=wait))
            wait = 0
        elif line == "@ resend":
            if current is None:
                raise TranscriptError(f"{path}:{number}: nothing to resend yet")
            exchanges.append(Exchange(number, current.text, resend=True, wait=wait))
            wait = 0
        elif match := _WAIT.match(line):
            wait += int(match.group(1)) * _UNITS[match.group(2)]
        elif line.startswith("@ lang "):
            initial = State(lang=line.removeprefix("@ lang ").strip())
        elif current is None:
            raise TranscriptError(f"{path}:{number}: an expectation before any message: {line!r}")
        elif line == "<" or line.startswith("< "):
            current.exact = [*(current.exact or []), line[2:]]
            current.expectation_lines.append(number)
        elif line.startswith("~ "):
            current.contains.append(line[2:])
        elif line.startswith("!~ "):
            current.absent.append(line[3:])
        elif line == "(no reply)":
            current.no_reply = True
            current.expectation_lines.append(number)
        else:
            raise TranscriptError(f"{path}:{number}: cannot read {line!r} (see tests/transcript.py for the format)")
    return Transcript(path, initial, exchanges)


def replay(transcript: Transcript, hotline: Hotline) -> list[str | None]:
    """Send every message of the transcript to `hotline`; the replies, in order."""
    now, replies, message_number = START_TIME, [], 0
    for exchange in transcript.exchanges:
        now += exchange.wait + SECONDS_BETWEEN_MESSAGES
        if not exchange.resend:
            message_number += 1
        sid = f"SM{message_number:032d}"
        replies.append(hotline.answer(SENDER, sid, exchange.text, now, transcript.initial))
    return replies


def mismatches(transcript: Transcript, replies: list[str | None]) -> list[str]:
    """Every expectation the replies break, as "file:line: what went wrong"."""
    problems = []
    for exchange, reply in zip(transcript.exchanges, replies, strict=True):
        where = f"{transcript.path}:{exchange.line}: after {exchange.text!r}"
        if exchange.no_reply and reply is not None:
            problems.append(f"{where}: expected no reply, got:\n{reply}")
        if reply is None:
            if exchange.exact is not None or exchange.contains:
                problems.append(f"{where}: expected a reply, got none")
            continue
        if exchange.exact is not None and reply != "\n".join(exchange.exact):
            problems.append(f"{where}: the reply differs.\n--- expected\n{chr(10).join(exchange.exact)}\n"
                            f"--- got\n{reply}")
        problems += [f"{where}: reply lacks {part!r}:\n{reply}" for part in exchange.contains if part not in reply]
        problems += [f"{where}: reply should not contain {part!r}:\n{reply}" for part in exchange.absent
                     if part in reply]
    return problems


def rewrite(transcript: Transcript, replies: list[str | None]) -> None:
    """Write the replies back as exact expectations (`--update-conversations`)."""
    lines = transcript.path.read_text(encoding="utf-8").splitlines()
    replace: dict[int, list[str]] = {}  # line of the message -> new expectation lines after it
    drop: set[int] = set()
    for exchange, reply in zip(transcript.exchanges, replies, strict=True):
        if exchange.exact is None and not exchange.no_reply and (exchange.contains or exchange.absent):
            continue  # a "contains" expectation stays as written
        drop.update(exchange.expectation_lines)
        replace[exchange.line] = ["(no reply)"] if reply is None else [f"< {r}" if r else "<" for r in
                                                                       reply.split("\n")]
    out = []
    for number, line in enumerate(lines, 1):
        if number in drop:
            continue
        out.append(line)
        out += replace.get(number, [])
    transcript.path.write_text("\n".join(out) + "\n", encoding="utf-8")
