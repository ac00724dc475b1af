"""The hotline-bot command, as a newcomer and an operator use it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import REPO_FLOWS, SETTINGS


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
    *problems, summary = result.output.strip().splitlines()
    assert summary.startswith("OK: ") and summary.endswith(f"0 errors, {len(problems)} warnings.")
    assert all(": warning: " in line for line in problems)


@pytest.mark.parametrize(("content", "where"), [
    ("spec: 1\nnodes: [\n", "broken.yaml:3: error: "),
    ("spec: 2\n", "broken.yaml:1: error: "),
])
def test_flows_check_names_the_file_and_line_and_fails(tmp_path: Path, content: str, where: str):
    (tmp_path / "broken.yaml").write_text(content)
    result = run("flows", "check", str(tmp_path))
    assert result.exit_code == 1
    assert where in result.output
    assert re.match(r"\d+ errors?, \d+ warnings? in .*: the bot will not use these flows until the errors are fixed",
                    result.output.strip().splitlines()[-1])


def test_flows_check_as_json_lists_every_problem_on_stdout(tmp_path: Path):
    (tmp_path / "broken.yaml").write_text("spec: 2\n")
    result = CliRunner().invoke(main, ["flows", "check", "--format", "json", str(tmp_path)])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems[0] == {"file": str(tmp_path / "broken.yaml"), "line": 1, "level": "error",
                           "message": '"spec" must be 1, the only version of this format, not 2.'}
    assert {"file": None, "line": None, "level": "error"}.items() <= problems[-1].items()  # no start node
    assert result.stderr == ""


def test_flows_check_as_json_on_the_shipped_flows_has_warnings_only():
    result = CliRunner().invoke(main, ["flows", "check", "--format", "json", str(REPO_FLOWS)])
    assert result.exit_code == 0
    assert {problem["level"] for problem in json.loads(result.stdout)} <= {"warning"}


def test_flows_check_given_a_flow_file_checks_its_folder_and_says_so():
    result = CliRunner().invoke(main, ["flows", "check", str(REPO_FLOWS / "menu.yaml")])
    assert result.exit_code == 0
    assert f"checking the folder it is in, {REPO_FLOWS}" in result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("OK: ")


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere"], "does not exist"),
    ([str(Path(__file__).parent.parent / "README.md")], "is neither a folder nor a flow file"),
    (["--format", "xml"], "'xml' is not one of 'text', 'json'"),
])
def test_flows_check_used_wrongly_exits_2(args: list[str], message: str):
    result = CliRunner().invoke(main, ["flows", "check", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_flows_check_documents_its_exit_status():
    assert "Exit status: 0 when the flows load" in run("flows", "check", "--help").output


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command a user can run, with the words that name it."""
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append(((*prefix, name), command))
    return found


SETTING_NAMES = [setting.name for setting in SETTINGS]


@pytest.mark.parametrize(("words", "command"), _commands(main), ids=lambda c: " ".join(c) if isinstance(c, tuple)
                         else "")
def test_every_command_says_its_exit_status_the_settings_it_reads_and_its_defaults(words: tuple[str, ...],
                                                                                 command: click.Command):
    help_text = " ".join(run(*words, "--help").output.split())
    assert "Exit status" in help_text, f"{' '.join(words)} --help: say what each exit status means"
    assert any(name in help_text for name in SETTING_NAMES) or "Reads no settings" in help_text, (
        f"{' '.join(words)} --help: name the settings it reads (or say it reads none)")
    for option in command.params:
        if isinstance(option, click.Option) and isinstance(option.default, str | int | float) and not option.is_flag:
            assert option.show_default, f"{' '.join(words)} {option.opts[0]}: show its default in --help"


# --- conversations for testers: chat --record, replay ----------------------------------------------------------

GREEN = "# the welcome, then talk\n> hi\n~ 1 Talk to someone now\n> 1\n~ 1-888-373-7888\n"


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", [None, "es"])
def test_a_recorded_chat_is_a_transcript_that_replays_green(tmp_path: Path, lang: str | None):
    record = tmp_path / "recorded.txt"
    chat = run("chat", "--record", str(record), *(["--lang", lang] if lang else []), stdin="hola\n1\nstop\nhi\n")
    assert chat.exit_code == 0, chat.output
    lines = record.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("# Recorded with hotline-bot chat")
    assert ("@ lang es" in lines) == (lang == "es")
    assert "> hola" in lines and "< 1 Hablar con alguien ya" in lines and lines[-2:] == ["(no reply)", ""]
    for how in ([], ["--webhook"]):
        replayed = run("replay", str(record), *how)
        assert replayed.exit_code == 0, replayed.output
        assert "1 of 1 transcript(s) replay as written" in replayed.output


@pytest.mark.parametrize("how", [[], ["--webhook"]])
def test_replay_takes_files_and_folders_and_fails_on_a_mismatch(tmp_path: Path, how: list[str]):
    _file(tmp_path, "good.txt", GREEN)
    bad = _file(tmp_path, "bad.txt", "> hi\n~ 1 Talk\n< Hello & welcome\n")
    green = run("replay", str(tmp_path / "good.txt"), *how)
    assert green.exit_code == 0, green.output
    both = run("replay", str(tmp_path), *how)
    assert both.exit_code == 1
    assert f"{bad}:3: after > hi (line 1), the reply differs (- expected, + got, ? marks where):" in both.output
    assert "- Hello & welcome" in both.output and "1 of 2 transcript(s) replay as written" in both.output


def test_replay_through_the_webhook_reads_escaped_replies_back(tmp_path: Path):
    help_reply = run("replay", str(_file(tmp_path, "help.txt", "> help\n~ Msg&data rates may apply\n")), "--webhook")
    assert help_reply.exit_code == 0, help_reply.output


@pytest.mark.parametrize(("text", "says"), [
    ("< hello\n", "unreadable.txt:1: an expectation before any message"),
    ("> hi\n@ wait soon\n", "unreadable.txt:2: cannot read"),
])
def test_replay_of_an_unreadable_transcript_exits_2_with_its_line(tmp_path: Path, text: str, says: str):
    result = run("replay", str(_file(tmp_path, "unreadable.txt", text)))
    assert result.exit_code == 2 and says in result.output


def test_replay_update_names_only_the_files_it_changed(tmp_path: Path):
    stale = _file(tmp_path, "stale.txt", "> hi\n< an old welcome\n> 7\n~ 741741\n")
    fresh = _file(tmp_path, "fresh.txt", GREEN)
    result = run("replay", "--update", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"updated {stale}" in result.output and str(fresh) not in result.output
    assert "< If you are in danger now, call 911." in stale.read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == GREEN
    again = run("replay", "--update", str(tmp_path))
    assert "updated" not in again.output


def test_replay_coverage_lists_what_is_missing_and_fails_below_every_node(tmp_path: Path):
    result = run("replay", "--coverage", str(_file(tmp_path, "one.txt", GREEN)))
    assert result.exit_code == 1
    assert "not visited: menu (es)" in result.output and "it must be 100%" in result.output


def test_replay_coverage_of_the_shipped_transcripts_is_complete():
    result = run("replay", "--coverage", str(Path(__file__).parent / "conversations"))
    assert result.exit_code == 0, result.output
    assert "nodes × languages: " in result.output and "(100%)" in result.output


def test_chat_record_to_a_folder_that_does_not_exist_says_so(tmp_path: Path):
    result = run("chat", "--record", str(tmp_path / "missing" / "x.txt"), stdin="hi\n")
    assert result.exit_code == 2 and "cannot write" in result.output
