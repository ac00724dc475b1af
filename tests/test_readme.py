"""The README tells the truth: its settings table and its test command match the code and CI."""

import re
from pathlib import Path

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
