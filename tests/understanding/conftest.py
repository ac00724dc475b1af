"""Prints the corpus's recall per label at the end of the run (filled by test_corpus.py)."""

from __future__ import annotations

import pytest

from tests.understanding.corpus import RESULTS, recall_table


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The table of recall per label, when the corpus ran."""
    if RESULTS:
        terminalreporter.write_sep("-", "messages people really write: recall per label")
        terminalreporter.write_line(recall_table())
