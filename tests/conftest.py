"""Shared fixtures, and the collector that turns each tests/conversations/*.txt into a test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import build_hotline, settings
from bot.hotline import Hotline
from bot.transcripts import compare, play
from bot.transcripts.format import TranscriptError, parse, rewrite
from tests.redis_server import RedisServer

CONVERSATIONS = Path(__file__).parent / "conversations"


def pytest_addoption(parser: pytest.Parser) -> None:
    """--update-conversations: rewrite exact replies in transcripts from what the bot says now."""
    parser.addoption("--update-conversations", action="store_true",
                     help="rewrite the exact (<) replies in tests/conversations/*.txt")


def new_hotline(**overrides: str) -> Hotline:
    """A hotline on a fresh embedded store and the repository's flows."""
    return build_hotline(settings.read({"HOTLINE_ENV": "development", **overrides}))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One private redis-server for the session; a missing binary fails the tests, it does not skip them."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def hotline() -> Hotline:
    """A hotline on a fresh embedded store and the repository's flows."""
    return new_hotline()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect conversation transcripts."""
    if file_path.suffix == ".txt" and file_path.parent == CONVERSATIONS:
        return TranscriptFile.from_parent(parent, path=file_path)
    return None


class TranscriptFile(pytest.File):
    """One transcript file: one test."""

    def collect(self):
        """The single test this file holds."""
        yield TranscriptItem.from_parent(self, name=self.path.stem)


class TranscriptItem(pytest.Item):
    """Replay a transcript and compare the replies."""

    def runtest(self) -> None:
        """Replay the conversation on a fresh store; fail with every mismatch, or rewrite on request."""
        parsed = parse(self.path)
        replies = play.replies(parsed, play.Engine(new_hotline()))
        if self.config.getoption("--update-conversations") and rewrite(parsed, replies):
            parsed = parse(self.path)
        problems = compare.mismatches(parsed, replies)
        if problems:
            raise TranscriptMismatch("\n\n".join(problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        """Show the mismatches as written, without a traceback."""
        if isinstance(excinfo.value, TranscriptMismatch | TranscriptError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        """Where the test lives."""
        return self.path, 0, f"conversation: {self.name}"


class TranscriptMismatch(AssertionError):
    """The bot's replies differ from the transcript."""
