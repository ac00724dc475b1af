"""`hotline-bot referrals`: import Open Referral HSDS into the directory, and preview what a texter receives."""

from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path

import click

from bot import settings as settings_module

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@click.group("referrals")
def referrals() -> None:
    """The referral directory (<flows>/directory/): import HSDS data, preview replies."""


def _flows(flows_dir: Path | None) -> Path:
    return flows_dir or Path(settings_module.read()["HOTLINE_FLOWS_DIR"])


@referrals.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--name", required=True, help="Name of the directory file to write: <flows>/directory/NAME.json.")
@click.option("--flows", "flows_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The flows folder (default: the one the bot serves, HOTLINE_FLOWS_DIR).")
def import_command(source: Path, name: str, flows_dir: Path | None) -> None:
    """Validate Open Referral HSDS data (3.0 JSON, or a folder of CSV files) and write it to the directory.

    Every rejected record or field is listed as file:row: field: reason; the last line sums up.
    Reads HOTLINE_FLOWS_DIR (unless --flows is given).
    Exit status: 0 when something was imported, 1 when nothing was, 2 for bad usage.
    """
    from bot.flow.problems import FlowError
    from bot.referrals.hsds import import_source, write
    from bot.referrals.hsds_read import SourceError
    from bot.referrals.loader import FOLDER, directory_problems, load_words
    from bot.referrals.words import REPLIES_FILE

    if not NAME.match(name) or name == Path(REPLIES_FILE).stem:
        raise click.UsageError(f"--name {name!r}: use lower-case letters, digits, - and _ (not 'replies'), "
                               "e.g. --name houston-211")
    folder = _flows(flows_dir) / FOLDER
    if (folder / f"{name}.yaml").exists():
        raise click.UsageError(f"{folder / name}.yaml is a hand-kept file; import under another --name")
    try:
        words = load_words(folder)
    except FlowError as error:
        click.echo(str(error))
        click.echo(f"nothing imported: {folder / REPLIES_FILE} must load first (it names the needs).")
        sys.exit(1)
    today = date.today()
    try:
        report = import_source(source, words, today)
    except SourceError as error:
        click.echo(str(error))
        click.echo(f"read 0 records from {source}: imported 0 services, rejected 0")
        sys.exit(1)
    for line in report.lines:
        click.echo(line)
    target = folder / f"{name}.json"
    if report.records:
        write(report.records, target, str(source), today)
        for problem in directory_problems(folder.parent):
            click.echo(f"{problem} (the bot will not use the directory until this is fixed)")
    inactive = sum(1 for r in report.records if r["status"] != "active")
    where = f" into {target}" if report.records else ""
    click.echo(f"read {report.read} records from {source}: imported {len(report.records)} services{where}"
               f"{f' ({inactive} not active, never shown)' if inactive else ''}, rejected {report.rejected}")
    sys.exit(0 if report.records else 1)


@referrals.command("find")
@click.argument("place", nargs=-1, required=True)
@click.option("--need", help="Narrow to a need: its key, digit or a word (replies.yaml), in English or Spanish.")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
@click.option("--flows", "flows_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The flows folder (default: the one the bot serves, HOTLINE_FLOWS_DIR).")
@click.option("--at", "at", help="Preview at this moment (e.g. 2026-11-23T22:00-06:00) instead of now.")
def find_command(place: tuple[str, ...], need: str | None, lang: str, flows_dir: Path | None,
                 at: str | None) -> None:
    """Print exactly what a texter at PLACE (a ZIP code, "City, ST" or a state) would receive, page by page.

    Reads HOTLINE_FLOWS_DIR (unless --flows is given).
    Exit status: 0 when the place was found, 1 when it was not (or the directory is broken), 2 for bad usage.
    """
    from bot.flow.problems import FlowError
    from bot.referrals import Query, load_directory, page, resolve
    from bot.text import normalise

    now = _moment(at)
    try:
        directory = load_directory(_flows(flows_dir))
    except FlowError as error:
        click.echo(str(error))
        sys.exit(1)
    if directory is None:
        click.echo(f"{_flows(flows_dir)} has no directory/ folder: there is nothing to find.")
        sys.exit(1)
    chosen = None
    if need is not None:
        chosen = directory.need(normalise(need))
        if chosen is None:
            names = ", ".join(f"{n.digit} {n.key}" for n in directory.words.needs)
            raise click.UsageError(f"--need {need!r} is not a need ({names})")
    found = resolve(" ".join(place))
    if found is None:
        click.echo(directory.words.text("unknown_place", lang))
        sys.exit(1)
    reply = page(directory, Query.at(found, chosen.key if chosen else None), lang, now)
    click.echo(reply.text)
    while not reply.last:
        click.echo(f"\n> {'MAS' if lang == 'es' else 'MORE'}")
        reply = page(directory, reply.next, lang, now)
        click.echo(reply.text)


def _moment(at: str | None) -> int:
    """Epoch seconds of --at (ISO date-time; without an offset it is UTC), or now."""
    if at is None:
        return int(time.time())
    from dateutil import parser, tz

    try:
        moment = parser.isoparse(at)
    except ValueError:
        raise click.UsageError(f"--at {at!r}: write a date and time like 2026-11-23T22:00-06:00") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=tz.UTC)).timestamp())
