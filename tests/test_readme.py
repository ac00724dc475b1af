"""The README tells the truth: its settings table and its test command match the code and CI."""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import REPO_FLOWS, SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_settings() -> dict[str, tuple[str, str]]:
    """variable -> (default, meaning) from the README's configuration table."""
    rows = re.findall(r"^\| `([A-Z_]+)` \|\s*(.*?)\s*\| (.*?) \|$", README, re.MULTILINE)
    return {name: (default.strip("`"), meaning) for name, default, meaning in rows}


def test_every_setting_is_documented_with_its_default_and_help():
    documented = _readme_settings()
    assert set(documented) == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        default, meaning = documented[setting.name]
        expected_default = "the repository's `flows/" if setting.default == str(REPO_FLOWS) else setting.default
        assert default.startswith(expected_default.strip("`")), setting.name
        assert meaning == setting.help, setting.name


def test_the_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r'^TEST_COMMAND="(.*)"$', ci, re.MULTILINE).group(1)
    assert f"```sh\n{command}\n```" in README


GUIDES = ("README.md", "flows/README.md", "docs/flow-format.md")
COMMAND = re.compile(r"(?:\.venv/bin/)?hotline-bot ((?:[a-z]|--)(?:\\\||[^`#\n|)])*)")


def _commands_in(guide: str) -> list[str]:
    """Every `hotline-bot ...` command line the guide shows (in code, up to a comment or the end of the code)."""
    text = (ROOT / guide).read_text(encoding="utf-8")
    return sorted({m.group(1).strip() for m in COMMAND.finditer(text)})


@pytest.mark.parametrize(("guide", "command"), [(g, c) for g in GUIDES for c in _commands_in(g)])
def test_every_command_the_guides_show_exists_with_those_options(guide: str, command: str):
    """Parsed as typed, with --help added: an unknown command or option fails, nothing runs."""
    usage = re.sub(r"(\w+)(?:\\\|\w+)+", r"\1", command)  # "mermaid\|dot\|svg" (a table's escaped |): one
    words = ["x" if word.isupper() else word  # a placeholder (BODY, DIR, PATH...): any value
             for word in shlex.split(usage.replace("[", "").replace("]", "").replace("...", ""))]
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, f"{guide}: hotline-bot {command}\n{result.output}"
