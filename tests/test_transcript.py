"""The transcript format itself: parsing, checking and --update-conversations rewriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import transcript
from tests.conftest import new_hotline

BEFORE = """\
# an example
> hi
< an old wording of the welcome
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


def test_a_changed_reply_is_reported_with_its_line(tmp_path: Path):
    parsed = transcript.parse(_write(tmp_path, BEFORE))
    problems = transcript.mismatches(parsed, transcript.replay(parsed, new_hotline()))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'example.txt'}:2: after 'hi': the reply differs.")


def test_update_rewrites_exact_replies_and_keeps_contains_lines(tmp_path: Path):
    path = _write(tmp_path, BEFORE)
    parsed = transcript.parse(path)
    replies = transcript.replay(parsed, new_hotline())
    transcript.rewrite(parsed, replies)
    text = path.read_text(encoding="utf-8")
    assert "an old wording" not in text
    assert "< If you are in danger now, call 911." in text       # the welcome, now exact
    assert "> 7\n~ 741741\n" in text                            # a "contains" expectation stays as written
    assert "> stop\n< You will get no more messages" in text     # a message with no expectation gets one
    assert text.endswith("> hi\n(no reply)\n")
    reparsed = transcript.parse(path)
    assert transcript.mismatches(reparsed, transcript.replay(reparsed, new_hotline())) == []


@pytest.mark.parametrize(("text", "message"), [
    ("< hello\n", "an expectation before any message"),
    ("@ resend\n", "nothing to resend yet"),
    ("> hi\n? what\n", "cannot read"),
])
def test_unreadable_transcripts_name_the_line(tmp_path: Path, text: str, message: str):
    with pytest.raises(transcript.TranscriptError, match=message):
        transcript.parse(_write(tmp_path, text))
