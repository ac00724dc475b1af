"""The `hotline-bot` command: a console conversation, the development server, and the flow check."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import click

from bot import settings as settings_module
from bot.state import NEW, State

CONSOLE_SENDER = "console:local"


@click.group()
def main() -> None:
    """hotline-bot: help-line information about human trafficking, in English and Spanish."""


@main.command()
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Start in this language (default: picked by your first message).")
@click.option("--record", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write the conversation to this file as a transcript, ready to be a test (hotline-bot replay).")
def chat(lang: str | None, record: Path | None) -> None:
    """Talk to the bot in this terminal, on the embedded store (one message per line when piped).

    With --record, the conversation runs on the transcripts' clock (10 s between messages, from a fixed time),
    so the file replays exactly as it went."""
    import shutil

    from bot import build_hotline
    from bot.console import Recorder, banner, edit_lines, shown
    from bot.transcripts.format import SECONDS_BETWEEN_MESSAGES
    from bot.transcripts.play import START_TIME

    settings = settings_module.read({**os.environ, "REDIS_URL": ""})  # always the embedded store
    hotline = build_hotline(settings)
    if hotline.flows is None:
        click.echo("The flow files are broken (see above); the bot would answer every message like this:", err=True)
    initial = State(lang=lang) if lang else NEW
    interactive = sys.stdin.isatty()
    if interactive:
        edit_lines()
        click.echo(banner(shutil.get_terminal_size().columns))
    try:
        recorder = Recorder(record, lang) if record is not None else None
    except OSError as error:
        click.echo(f"cannot write {record}: {error.strerror}", err=True)
        sys.exit(2)
    clock = START_TIME
    try:
        for line in _lines(interactive):
            clock += SECONDS_BETWEEN_MESSAGES
            now = clock if recorder is not None else int(time.time())
            reply = hotline.answer(CONSOLE_SENDER, uuid.uuid4().hex, line, now, initial)
            if recorder is not None:
                recorder.add(line, reply)
            click.echo(shown(reply, shutil.get_terminal_size().columns if interactive else None))
            click.echo("")
    finally:
        if recorder is not None:
            recorder.close()
            click.echo(f"recorded {record}: hotline-bot replay {record}", err=True)


def _lines(interactive: bool):
    """The texter's messages: prompted on a terminal, else one per input line."""
    while True:
        try:
            line = input("you> ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            if interactive:
                click.echo("")
            return
        if not interactive and line == "":
            return
        yield line.rstrip("\r\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the development server (HOTLINE_ENV defaults to development here; use gunicorn in production)."""
    from bot import create_app

    create_app({"HOTLINE_ENV": "development", **os.environ}).run(host=host, port=port)


@main.command()
@click.option("--flows", "flows_dir", type=click.Path(path_type=Path), default=None,
              help="Flow folder (default: HOTLINE_FLOWS_DIR, else the repository's flows/).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write here (default: print).")
def fallback(flows_dir: Path | None, output: Path | None) -> None:
    """The TwiML file to host elsewhere as Twilio's Fallback URL (the emergency reply, English and Spanish).

    The repository keeps it in deploy/fallback.xml; regenerate it after changing the emergency reply:
    hotline-bot fallback -o deploy/fallback.xml. Exit status 1 when the flows are broken.
    """
    from bot.fallback import twiml
    from bot.flow import FlowError, load_flows

    try:
        loaded = load_flows(flows_dir or Path(settings_module.read()["HOTLINE_FLOWS_DIR"]))
    except FlowError as error:
        click.echo(f"{error}\n\nThe flows are broken: fix them first (hotline-bot flows check).", err=True)
        sys.exit(1)
    if output is None:
        click.echo(twiml(loaded), nl=False)
    else:
        output.write_text(twiml(loaded), encoding="utf-8")
        click.echo(f"wrote {output}")


@main.group()
def store() -> None:
    """Work with the conversations kept in Redis (REDIS_URL)."""


@store.command("migrate")
def store_migrate() -> None:
    """Move conversations kept by version 0.1 (two keys each) to today's layout, keeping every opt-out.

    Reads REDIS_URL and HOTLINE_REDIS_TIMEOUT. Idempotent: run it once when upgrading, before or after the new
    version starts. Exit status 2 when REDIS_URL is not set.
    """
    from bot.store import connect
    from bot.store_migration import migrate

    values = settings_module.read()
    if not values["REDIS_URL"]:
        click.echo("set REDIS_URL to the Redis the bot uses", err=True)
        sys.exit(2)
    moved, dropped = migrate(connect(values["REDIS_URL"], max(float(values["HOTLINE_REDIS_TIMEOUT"]), 5.0)))
    click.echo(f"moved {moved} conversation(s); dropped {dropped} that could not be read")


# Command groups with a module of their own, registered after the commands above.
from bot.flow.cli import flows  # noqa: E402
from bot.referrals.cli import referrals  # noqa: E402
from bot.transcripts.cli import replay  # noqa: E402

main.add_command(flows)
main.add_command(referrals)
main.add_command(replay)
