"""The console chat on a terminal: replies wrapped at spaces (never inside a phone number or a URL) and marked
apart from what was typed; the banner says how to leave."""

from __future__ import annotations

import pytest

from bot.console import BANNER, REPLY_MARK, banner, shown, wrapped
from bot.flow import load_flows
from bot.flow.model import Intent
from bot.settings import REPO_FLOWS

INDENT = " " * len(REPLY_MARK)


@pytest.mark.parametrize(("reply", "width", "lines"), [
    pytest.param("Call 911.", 40, ["bot> Call 911."], id="short: marked, unchanged"),
    pytest.param("Trafficking hotline: call 1-888-373-7888 or text", 35,
                 ["bot> Trafficking hotline: call", f"{INDENT}1-888-373-7888 or text"],
                 id="a phone number at the boundary moves whole to the next line"),
    pytest.param("Chat at https://humantraffickinghotline.org/en/chat-hotline now", 30,
                 ["bot> Chat at", f"{INDENT}https://humantraffickinghotline.org/en/chat-hotline", f"{INDENT}now"],
                 id="a URL longer than the line overflows rather than break"),
    pytest.param("Servicio nacional contra la trata de personas, 24/7, en español e inglés", 40,
                 ["bot> Servicio nacional contra la trata", f"{INDENT}de personas, 24/7, en español e",
                  f"{INDENT}inglés"],
                 id="Spanish text breaks at spaces"),
    pytest.param("First paragraph.\n\nSecond paragraph.", 40,
                 ["bot> First paragraph.", "", f"{INDENT}Second paragraph."],
                 id="blank lines between paragraphs are kept"),
    pytest.param("1 Talk\n2 Danger", 40, ["bot> 1 Talk", f"{INDENT}2 Danger"], id="each line of a menu stays a line"),
    pytest.param("Call 911 now, then text 233733", 5, ["bot> Call 911 now,", f"{INDENT}then text", f"{INDENT}233733"],
                 id="a tiny terminal still gets 20 columns"),
])
def test_replies_wrap_at_spaces_and_are_marked(reply: str, width: int, lines: list[str]):
    assert wrapped(reply, width).split("\n") == lines


def test_wrapping_never_splits_a_phone_number_whatever_the_width():
    reply = "In danger? Call 911. Trafficking hotline, 24/7: call 1-888-373-7888 or text 233733."
    for width in range(20, 90):
        text = wrapped(reply, width)
        assert "1-888-373-7888" in text and "233733" in text, width
        assert text.replace(INDENT, "").replace(REPLY_MARK, "").replace("\n", " ") == reply


def test_piped_output_stays_plain_and_a_terminal_marks_no_reply():
    assert shown("line one\nline two", None) == "line one\nline two"
    assert shown(None, None) == "(no reply)"
    assert shown(None, 80) == "bot> (no reply)"


def test_the_banner_says_only_ctrl_d_leaves_because_quit_is_a_word_the_bot_answers():
    stop_words = load_flows(REPO_FLOWS).keywords[Intent.STOP].words["en"]
    assert "quit" in stop_words  # why QUIT cannot leave the chat: it opts the texter out
    assert "Only Ctrl-D" in BANNER and "QUIT" in BANNER and "EXIT" in BANNER
    assert all(len(line) <= 40 for line in banner(40).split("\n"))
