"""The console chat's presentation: replies wrapped for a terminal and marked apart from what was typed, the
banner, and recording a conversation as a transcript (`hotline-bot chat --record FILE`)."""

from __future__ import annotations

import contextlib
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.transcripts.format import reply_lines

REPLY_MARK = "bot> "  # the first line of each reply; the rest are indented as deep
BANNER = ("Type a message and press Enter. Only Ctrl-D (or Ctrl-C) leaves: QUIT, EXIT and STOP are messages to "
          "the bot like any other (QUIT and STOP opt you out; START undoes it). Try: hi, hola, 1, MENU, 90210.")
MIN_WIDTH = 20


def banner(width: int) -> str:
    """The banner, wrapped to the terminal."""
    return textwrap.fill(BANNER, max(width, MIN_WIDTH), break_on_hyphens=False, break_long_words=False)


def edit_lines() -> None:
    """Line editing and this session's history for `input()`, where readline exists (the history is never
    saved: messages may be sensitive)."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it is what turns it on)


def shown(reply: str | None, width: int | None) -> str:
    """How a reply is printed: wrapped and marked for a terminal `width` wide, as it is when piped (None)."""
    if width is None:
        return reply if reply is not None else "(no reply)"
    return wrapped(reply, width) if reply is not None else REPLY_MARK + "(no reply)"


def wrapped(reply: str, width: int) -> str:
    """A reply for a terminal `width` columns wide: each line wrapped at spaces only (never inside a phone number
    like 1-888-373-7888 or a URL, which may overflow instead), the first marked `bot> `, the rest indented;
    blank lines between paragraphs kept."""
    indent = " " * len(REPLY_MARK)
    out = []
    for line in reply.split("\n"):
        if not line.strip():
            out.append("")
            continue
        out += textwrap.wrap(line, max(width, MIN_WIDTH), initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False, break_long_words=False)
    first = next((i for i, line in enumerate(out) if line), None)
    if first is not None:
        out[first] = REPLY_MARK + out[first][len(indent):]
    return "\n".join(out)


class Recorder:
    """Writes a console conversation as a transcript that replays as it went (written as it goes, so a
    conversation left with Ctrl-C is kept)."""

    def __init__(self, path: Path, lang: str | None) -> None:
        """Start `path` with a header comment (and `@ lang` when the chat started in a language)."""
        self.file: TextIO = path.open("w", encoding="utf-8")
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.file.write(f"# Recorded with hotline-bot chat on {when}. Say here what this conversation shows.\n")
        if lang:
            self.file.write(f"@ lang {lang}\n")
        self.file.flush()

    def add(self, message: str, reply: str | None) -> None:
        """One message and the bot's exact reply."""
        self.file.write("\n".join([f"> {message}" if message else ">", *reply_lines(reply)]) + "\n")
        self.file.flush()

    def close(self) -> None:
        """Finish the file."""
        self.file.close()
