"""Where the replies break a transcript's expectations: each mismatch points at the expectation's line, says
which message it followed, and marks the difference (an ndiff of expected and got, `?` lines marking the
characters that differ)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.transcripts.format import Exchange, Transcript


def mismatches(transcript: Transcript, replies: Sequence[str | None]) -> list[str]:
    """Every expectation the replies break, each as "file:line: what went wrong", then the difference."""
    problems = []
    for exchange, reply in zip(transcript.exchanges, replies, strict=True):
        problems += [f"{transcript.path}:{line}: after {_message(exchange)}, {what}"
                     for line, what in _broken(exchange, reply)]
    return problems


def _message(exchange: Exchange) -> str:
    """The message an expectation follows, and its line."""
    resent = " (resent)" if exchange.resend else ""
    return f"> {exchange.text}{resent} (line {exchange.line})"


def _broken(exchange: Exchange, reply: str | None) -> list[tuple[int, str]]:
    """(line of the expectation, what went wrong) for each broken expectation of one message."""
    if reply is None:
        if exchange.exact is not None:
            return [(exchange.expectation_lines[0], "expected this reply, got none:\n" + _indent(exchange.exact))]
        return [(e.line, f"expected a reply containing {e.text!r}, got none") for e in exchange.contains]
    found = []
    if exchange.no_reply:
        found.append((exchange.no_reply_line, "expected no reply, got:\n" + _indent(reply.split("\n"))))
    if exchange.exact is not None and reply != "\n".join(exchange.exact):
        found.append((exchange.expectation_lines[0], "the reply differs (- expected, + got, ? marks where):\n"
                      + diff(exchange.exact, reply.split("\n"))))
    found += [(e.line, f"the reply lacks {e.text!r}:\n" + _indent(reply.split("\n")))
              for e in exchange.contains if e.text not in reply]
    found += [(e.line, f"the reply should not contain {e.text!r}:\n" + _marked(reply, e.text))
              for e in exchange.absent if e.text in reply]
    return found


def diff(expected: Sequence[str], got: Sequence[str]) -> str:
    """An ndiff of the reply's lines: `-` expected, `+` got, `?` with ^ (changed), - and + under the characters
    that differ, two spaces for lines that agree."""
    return "\n".join(line.rstrip() for line in difflib.ndiff(list(expected), list(got)))


def _indent(lines: Sequence[str]) -> str:
    return "\n".join(f"    {line}" for line in lines)


def _marked(reply: str, part: str) -> str:
    """The reply, with carets under every place `part` appears (on the lines that hold it)."""
    out = []
    for line in reply.split("\n"):
        out.append(f"    {line}")
        starts = [i for i in range(len(line)) if line.startswith(part, i)]
        if starts:
            marks = [" "] * len(line)
            for start in starts:
                marks[start:start + len(part)] = "^" * len(part)
            out.append(("    " + "".join(marks)).rstrip())
    return "\n".join(out)
