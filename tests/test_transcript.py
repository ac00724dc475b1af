"""The transcript format itself: parsing, mismatch reports that point at the expectation and mark the
difference, and rewriting with --update."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.transcripts.compare import diff, mismatches
from bot.transcripts.format import TranscriptError, parse, rewrite
from bot.transcripts.play import Engine, replies
from tests.conftest import new_hotline

BEFORE = """\
# an example
> hi
< If you are in danger, call 911.
> 7
~ 741741
> stop
> hi
(no reply)
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "example.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    parsed = parse(path)
    return mismatches(parsed, replies(parsed, Engine(new_hotline())))


def test_a_changed_reply_points_at_the_expectation_and_marks_the_difference(tmp_path: Path):
    path = _write(tmp_path, BEFORE)
    [problem] = _problems(path)
    head, *body = problem.split("\n")
    assert head == f"{path}:3: after > hi (line 2), the reply differs (- expected, + got, ? marks where):"
    assert body[:3] == ["- If you are in danger, call 911.",
                        "+ If you are in danger now, call 911.",
                        "?                     ++++"]  # under " now"


@pytest.mark.parametrize(("text", "line", "says"), [
    ("> hi\n~ 1 Talk\n~ 741741\n", 3, "after > hi (line 1), the reply lacks '741741':"),
    ("> hi\n!~ 911\n", 2, "after > hi (line 1), the reply should not contain '911':"),
    ("> hi\n(no reply)\n", 2, "after > hi (line 1), expected no reply, got:"),
    ("> stop\n> hi\n< Hello\n", 3, "after > hi (line 2), expected this reply, got none:"),
    ("> stop\n> hi\n~ Hello\n", 3, "after > hi (line 2), expected a reply containing 'Hello', got none"),
    ("> hi\n@ resend\n~ 741741\n", 3, "after > hi (resent) (line 2), the reply lacks '741741':"),
])
def test_each_kind_of_mismatch_points_at_its_own_line(tmp_path: Path, text: str, line: int, says: str):
    path = _write(tmp_path, text)
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:{line}: {says}")


def test_an_unwanted_part_is_marked_with_carets(tmp_path: Path):
    [problem] = _problems(_write(tmp_path, "> hi\n!~ 1-888-373-7888\n"))
    lines = problem.split("\n")
    marked = next(i for i, line in enumerate(lines) if line.startswith("    ") and "1-888-373-7888" in line)
    assert lines[marked + 1].strip() == "^" * len("1-888-373-7888")
    assert lines[marked + 1].index("^") == lines[marked].index("1-888-373-7888")


@pytest.mark.parametrize(("expected", "got", "marks"), [
    (["Reply 1 to talk"], ["Reply 2 to talk"], ["- Reply 1 to talk", "?       ^", "+ Reply 2 to talk",
                                               "?       ^"]),
    (["a", "b"], ["a", "b", "c"], ["  a", "  b", "+ c"]),
    (["a", "gone"], ["a"], ["  a", "- gone"]),
])
def test_the_diff_marks_changed_characters_and_lines(expected: list[str], got: list[str], marks: list[str]):
    assert diff(expected, got).split("\n") == marks


def test_update_rewrites_exact_replies_and_keeps_contains_lines(tmp_path: Path):
    path = _write(tmp_path, BEFORE)
    parsed = parse(path)
    assert rewrite(parsed, replies(parsed, Engine(new_hotline()))) is True
    text = path.read_text(encoding="utf-8")
    assert "If you are in danger, call 911." not in text
    assert "< If you are in danger now, call 911." in text       # the welcome, now exact
    assert "> 7\n~ 741741\n" in text                            # a "contains" expectation stays as written
    assert "> stop\n> hi\n" in text                             # a message that expects nothing is left so
    assert text.endswith("> hi\n(no reply)\n")
    assert _problems(path) == []
    reparsed = parse(path)
    assert rewrite(reparsed, replies(reparsed, Engine(new_hotline()))) is False  # nothing left to change


def test_pace_spaces_the_messages_and_wait_adds_to_it(tmp_path: Path):
    parsed = parse(_write(tmp_path, "> a\n@ pace 1s\n> b\n@ wait 1m\n> c\n> d\n"))
    assert [e.gap for e in parsed.exchanges] == [10, 1, 61, 1]


@pytest.mark.parametrize(("text", "message"), [
    ("< hello\n", "example.txt:1: an expectation before any message"),
    ("@ resend\n", "example.txt:1: nothing to resend yet"),
    ("> hi\n? what\n", "example.txt:2: cannot read"),
    ("> hi\n@ wait soon\n", "example.txt:2: cannot read"),
])
def test_unreadable_transcripts_name_the_line(tmp_path: Path, text: str, message: str):
    with pytest.raises(TranscriptError, match=message):
        parse(_write(tmp_path, text))
