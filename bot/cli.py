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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hotline-bot", message="hotline-bot %(version)s")
def main() -> None:
    """hotline-bot: help-line information about human trafficking, in English and Spanish.

    Settings are read from the environment (the README lists them all); each command's help says which it
    reads and what its exit status means.
    """


@main.command()
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Start in this language (default: picked by your first message).")
@click.option("--record", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write the conversation to this file as a transcript, ready to be a test (hotline-bot replay).")
def chat(lang: str | None, record: Path | None) -> None:
    """Talk to the bot in this terminal, on the embedded store (one message per line when piped).

    With --record, the conversation runs on the transcripts' clock (10 s between messages, from a fixed time),
    so the file replays exactly as it went. Reads HOTLINE_FLOWS_DIR and HOTLINE_PROGRAM_NAME (never REDIS_URL:
    the conversation is kept in memory and forgotten when you leave). Exit status: 0 (broken flows are
    reported, and the static reply is shown), 2 when the --record file cannot be written.
    """
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
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Run the development server: POST /sms (Twilio), /chat, /healthz, /metrics.

    HOTLINE_ENV defaults to development here (production runs gunicorn: see the Procfile). Reads every setting
    in the README; without REDIS_URL it uses the embedded store, without TWILIO_AUTH_TOKEN it does not check
    signatures (try it with curl, or sign requests with `hotline-bot sign`). Exit status 1 when the settings
    are refused (each problem is printed).
    """
    from bot import create_app

    create_app({"HOTLINE_ENV": "development", **os.environ}).run(host=host, port=port)


@main.command()
@click.option("--flows", "flows_dir", type=click.Path(path_type=Path), default=None,
              help="Flow folder (default: HOTLINE_FLOWS_DIR, else the repository's flows/).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write here  [default: print it]")
def fallback(flows_dir: Path | None, output: Path | None) -> None:
    """The TwiML file to host elsewhere as Twilio's Fallback URL (the emergency reply, English and Spanish).

    The repository keeps it in deploy/fallback.xml; regenerate it after changing the emergency reply:
    hotline-bot fallback -o deploy/fallback.xml. Reads HOTLINE_FLOWS_DIR (unless --flows is given).
    Exit status: 0 written, 1 when the flows are broken (each problem is printed).
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


@main.command()
@click.argument("body")
@click.option("--url", default=None,
              help="The webhook URL Twilio is configured with  [default: HOTLINE_PUBLIC_URL + /sms, else "
                   "http://127.0.0.1:5000/sms]")
@click.option("--from", "sender", default=None, help="The sender's number  [default: a fictional +15550100000]")
@click.option("--sid", default=None, help="The MessageSid; repeat one to try a Twilio retry  [default: a new one]")
@click.option("--token", envvar="TWILIO_AUTH_TOKEN", show_envvar=True, default=None,
              help="The auth token to sign with (the server's TWILIO_AUTH_TOKEN).")
def sign(body: str, url: str | None, sender: str | None, sid: str | None, token: str | None) -> None:
    """Print a curl command that posts BODY to the webhook as Twilio would: every field Twilio sends, signed.

    Try it against `hotline-bot serve` started with the same TWILIO_AUTH_TOKEN and HOTLINE_PUBLIC_URL:
    eval "$(hotline-bot sign hola)". Reads TWILIO_AUTH_TOKEN and HOTLINE_PUBLIC_URL. Exit status 2 when there
    is no token to sign with.
    """
    from bot.signing import FICTIONAL_SENDER, curl_command, inbound_form

    if not token:
        raise click.UsageError("set TWILIO_AUTH_TOKEN (or --token) to the token the server checks signatures with")
    url = url or (settings_module.read()["HOTLINE_PUBLIC_URL"].rstrip("/") or "http://127.0.0.1:5000") + "/sms"
    click.echo(curl_command(url, inbound_form(body, sender or FICTIONAL_SENDER, sid), token))


@main.group()
def store() -> None:
    """Work with the conversations kept in Redis (REDIS_URL)."""


@store.command("migrate")
def store_migrate() -> None:
    """Move conversations kept by version 0.1 (two keys each) to today's layout, keeping every opt-out.

    Reads REDIS_URL and HOTLINE_REDIS_TIMEOUT. Idempotent: run it once when upgrading, before or after the new
    version starts. Exit status: 0 done, 1 when Redis cannot be reached, 2 when REDIS_URL is not set.
    """
    from redis.exceptions import RedisError

    from bot.store import connect
    from bot.store_migration import migrate

    values = settings_module.read()
    if not values["REDIS_URL"]:
        click.echo("set REDIS_URL to the Redis the bot uses", err=True)
        sys.exit(2)
    try:
        moved, dropped = migrate(connect(values["REDIS_URL"], max(float(values["HOTLINE_REDIS_TIMEOUT"]), 5.0)))
    except RedisError as error:
        click.echo(f"could not migrate: Redis failed ({type(error).__name__}: {error}); nothing is lost, run it "
                   "again when Redis answers", err=True)
        sys.exit(1)
    click.echo(f"moved {moved} conversation(s); dropped {dropped} that could not be read")


# Command groups with a module of their own, registered after the commands above.
from bot.flow.cli import flows  # noqa: E402
from bot.referrals.cli import referrals  # noqa: E402
from bot.transcripts.cli import replay  # noqa: E402

main.add_command(flows)
main.add_command(referrals)
main.add_command(replay)
