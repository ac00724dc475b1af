"""The hotline-bot command, as a newcomer and an operator use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import REPO_FLOWS


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, env=env)


def test_piped_chat_answers_each_line():
    result = run("chat", stdin="hola\n1\n")
    assert result.exit_code == 0
    first, second = result.output.strip().split("\n\n", 1)
    assert "llama al 911" in first and "1 Hablar con alguien ya" in first
    assert "Manda un texto al 233733" in second


def test_chat_can_start_in_spanish():
    result = run("chat", "--lang", "es", stdin="menu\n")
    assert "1 Hablar con alguien ya" in result.output


def test_chat_says_when_there_is_no_reply():
    result = run("chat", stdin="stop\nhi\n")
    assert result.output.strip().endswith("(no reply)")


def test_chat_uses_the_embedded_store_even_when_redis_url_is_set():
    result = run("chat", stdin="hi\n", env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert "1 Talk to someone now" in result.output


def test_chat_with_broken_flows_still_gives_the_hotline(tmp_path: Path):
    (tmp_path / "broken.yaml").write_text("spec: 1\nnodes: [\n")
    result = run("chat", stdin="hi\n", env={"HOTLINE_FLOWS_DIR": str(tmp_path)})
    assert "1-888-373-7888" in result.output and "flow files are broken" in result.output


def test_flows_check_passes_on_the_shipped_flows():
    result = run("flows", "check", str(REPO_FLOWS))
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: ")  # warnings (facts to re-verify) go to stderr


@pytest.mark.parametrize(("content", "where"), [
    ("spec: 1\nnodes: [\n", "broken.yaml:3"),
    ("spec: 2\n", "broken.yaml:1"),
])
def test_flows_check_names_the_file_and_line_and_fails(tmp_path: Path, content: str, where: str):
    (tmp_path / "broken.yaml").write_text(content)
    result = run("flows", "check", str(tmp_path))
    assert result.exit_code == 1
    assert where in result.output
