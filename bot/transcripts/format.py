"""The transcript format: reading a conversation file, and rewriting its exact replies.

One instruction a line (blank lines and `#` comments are ignored):

    @ lang es          start in Spanish, as `hotline-bot chat --lang es` (before the first message)
    > hola             the texter sends "hola"
    < Si corres...     the reply, exactly: consecutive `<` lines are its lines (`<` alone: an empty line)
    ~ 1-888-373-7888   the reply contains this (any number of `~` lines)
    !~ Sorry           the reply does not contain this
    (no reply)         the bot sends nothing
    @ wait 2h          the clock moves on (s, m, h or d) before the next message
    @ pace 1s          from here on, messages arrive this far apart (10 s unless a file says otherwise)
    @ resend           the previous message arrives again with the same MessageSid (a Twilio retry)

Expectations belong to the message above them. `hotline-bot replay --update` (or `pytest
--update-conversations`) rewrites the exact (`<`) and `(no reply)` expectations from what the bot says now;
`~` and `!~` lines are kept and still checked, and a message with no expectation is left without one (a step
whose reply the author chose not to check). To have a reply filled in, put a lone `<` under its message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.state import NEW, State

SECONDS_BETWEEN_MESSAGES = 10
_DURATION = re.compile(r"^@ (wait|pace) (\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TranscriptError(Exception):
    """A transcript that cannot be read, with its file and line."""


@dataclass(frozen=True)
class Expectation:
    """One `~` or `!~` line: a piece of text the reply must (or must not) contain, and where it was written."""

    line: int
    text: str


@dataclass
class Exchange:
    """One message, when it arrives, and what the reply must be."""

    line: int  # the `>` (or `@ resend`) line
    text: str
    resend: bool = False
    wait: int = 0  # seconds added by `@ wait` before this message
    gap: int = SECONDS_BETWEEN_MESSAGES  # seconds since the previous message, `@ wait` included
    exact: list[str] | None = None
    contains: list[Expectation] = field(default_factory=list)
    absent: list[Expectation] = field(default_factory=list)
    no_reply: bool = False
    no_reply_line: int = 0  # the `(no reply)` line
    expectation_lines: list[int] = field(default_factory=list)  # the `<` and `(no reply)` lines, in order

    @property
    def has_expectations(self) -> bool:
        """Whether anything is expected of the reply."""
        return self.exact is not None or self.no_reply or bool(self.contains or self.absent)


@dataclass
class Transcript:
    """A parsed conversation file."""

    path: Path
    initial: State
    exchanges: list[Exchange]


def parse(path: Path) -> Transcript:
    """Read a transcript file (TranscriptError names the line it cannot read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TranscriptError(f"{path}: cannot read it ({error})") from error
    initial, exchanges, wait, pace = NEW, [], 0, SECONDS_BETWEEN_MESSAGES
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        current = exchanges[-1] if exchanges else None
        if line.startswith("> ") or line == ">":
            exchanges.append(Exchange(number, line[2:], wait=wait, gap=pace + wait))
            wait = 0
        elif line == "@ resend":
            if current is None:
                raise TranscriptError(f"{path}:{number}: nothing to resend yet")
            exchanges.append(Exchange(number, current.text, resend=True, wait=wait, gap=pace + wait))
            wait = 0
        elif match := _DURATION.match(line):
            seconds = int(match.group(2)) * _UNITS[match.group(3)]
            if match.group(1) == "wait":
                wait += seconds
            else:
                pace = seconds
        elif line.startswith("@ lang "):
            initial = State(lang=line.removeprefix("@ lang ").strip())
        elif current is None:
            raise TranscriptError(f"{path}:{number}: an expectation before any message: {line!r}")
        elif line == "<" or line.startswith("< "):
            current.exact = [*(current.exact or []), line[2:]]
            current.expectation_lines.append(number)
        elif line.startswith("~ "):
            current.contains.append(Expectation(number, line[2:]))
        elif line.startswith("!~ "):
            current.absent.append(Expectation(number, line[3:]))
        elif line == "(no reply)":
            current.no_reply, current.no_reply_line = True, number
            current.expectation_lines.append(number)
        else:
            raise TranscriptError(f"{path}:{number}: cannot read {line!r} (the format is in bot/transcripts/format.py)")
    return Transcript(path, initial, exchanges)


def reply_lines(reply: str | None) -> list[str]:
    """A reply as exact expectation lines (`(no reply)` for none)."""
    if reply is None:
        return ["(no reply)"]
    return [f"< {line}" if line else "<" for line in reply.split("\n")]


def rewrite(transcript: Transcript, replies: Sequence[str | None]) -> bool:
    """Write the replies back as exact expectations; True if the file changed.

    Only exact expectations (`<` lines or `(no reply)`) are replaced; `~`/`!~` lines, and messages that expect
    nothing, stay as written, so an update touches only what the author chose to pin down."""
    original = transcript.path.read_text(encoding="utf-8")
    replace: dict[int, list[str]] = {}  # line of the message -> new expectation lines after it
    drop: set[int] = set()
    for exchange, reply in zip(transcript.exchanges, replies, strict=True):
        if exchange.exact is None and not exchange.no_reply:
            continue  # "contains" expectations, or none: as written
        drop.update(exchange.expectation_lines)
        replace[exchange.line] = reply_lines(reply)
    out = []
    for number, line in enumerate(original.splitlines(), 1):
        if number in drop:
            continue
        out.append(line)
        out += replace.get(number, [])
    updated = "\n".join(out) + "\n"
    if updated == original:
        return False
    transcript.path.write_text(updated, encoding="utf-8")
    return True
