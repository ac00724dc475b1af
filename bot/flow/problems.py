"""What the loader reports: problems pinned to a file and line, gathered into one error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.flow.model import Source


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the flow files, where it is (None: the flow set as a whole) and what to do."""

    source: Source | None
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class FlowError(Exception):
    """The flow files cannot be used; `problems` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def display_path(path: Path) -> str:
    """`path` relative to the current directory when it is inside it (shorter to read), else absolute."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
