"""What the loader reports: problems pinned to a file and line, gathered into one error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.flow.model import Source

ERROR = "error"  # the bot will not serve flows with an error: it keeps what it serves, or the static reply
WARNING = "warning"  # worth fixing (a reply costing more than 2 segments, a fact to re-verify); flows still load


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the flow files, where it is (None: the flow set as a whole) and what to do."""

    source: Source | None
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        """`file:line: level: message`, or `level: message` for a problem of the flow set as a whole (the
        shape compilers use, so editors and CI can jump to the line)."""
        return f"{self.source}: {self.level}: {self.message}" if self.source else f"{self.level}: {self.message}"

    def as_json(self) -> dict[str, object]:
        """The problem as `flows check --format json` prints it (file and line are null for the flow set)."""
        return {"file": self.source.file if self.source else None, "line": self.source.line if self.source else None,
                "level": self.level, "message": self.message}


class FlowError(Exception):
    """The flow files cannot be used; `problems` lists everything found (errors, and warnings too), not just
    the first."""

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
