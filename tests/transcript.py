"""The transcript format lives in `bot.transcripts` (so `hotline-bot replay` can use it); kept here for tests."""

from bot.transcripts.format import SECONDS_BETWEEN_MESSAGES, TranscriptError, parse
from bot.transcripts.play import START_TIME

__all__ = ["SECONDS_BETWEEN_MESSAGES", "START_TIME", "TranscriptError", "parse"]
