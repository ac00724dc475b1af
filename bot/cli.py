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
def chat(lang: str | None) -> None:
    """Talk to the bot in this terminal, on the embedded store (one message per line when piped)."""
    from bot import build_hotline

    settings = settings_module.read({**os.environ, "REDIS_URL": ""})  # always the embedded store
    hotline = build_hotline(settings)
    if hotline.flows is None:
        click.echo("The flow files are broken (see above); the bot would answer every message like this:", err=True)
    initial = State(lang=lang) if lang else NEW
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo("Type a message and press Enter (Ctrl-D to quit). Try: hi, hola, 1, MENU, STOP, 90210.")
    for line in _lines(interactive):
        reply = hotline.answer(CONSOLE_SENDER, uuid.uuid4().hex, line, int(time.time()), initial)
        click.echo(reply if reply is not None else "(no reply)")
        click.echo("")


def _lines(interactive: bool):
    """The texter's messages: prompted on a terminal, else one per input line."""
    while True:
        try:
            line = input("you> ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
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


@main.group()
def flows() -> None:
    """Work with the flow files."""


@flows.command("check")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
def flows_check(directory: Path | None) -> None:
    """Load the flow files as the bot would, and list every problem with its file and line."""
    from bot.flow import FlowError, load_flows

    directory = directory or Path(settings_module.read()["HOTLINE_FLOWS_DIR"])
    try:
        loaded = load_flows(directory)
    except FlowError as error:
        click.echo(str(error), err=True)
        click.echo(f"\n{len(error.problems)} problem(s) in {directory}: the bot would only send the static "
                   "hotline reply until they are fixed.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(loaded.nodes)} nodes in {directory}, start at {loaded.start!r}.")


from bot.referrals.cli import referrals  # noqa: E402  (registered after the commands above)

main.add_command(referrals)
