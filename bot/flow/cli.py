"""`hotline-bot flows ...`: the operators' commands for the flow files."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from bot import settings


@click.group()
def flows() -> None:
    """Work with the flow files."""


@flows.command("check")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--facts", "list_facts", is_flag=True,
              help="First list the facts (facts.yaml): each number, short code and address, and when it was verified.")
def flows_check(directory: Path | None, list_facts: bool) -> None:
    """Load the flow files as the bot would, and list every problem with its file and line."""
    from bot.flow import check_flows
    from bot.flow.facts import facts_listing

    directory = directory or Path(settings.read()["HOTLINE_FLOWS_DIR"])
    if list_facts:
        click.echo(facts_listing(directory, date.today()))
    loaded, problems = check_flows(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if loaded is None:
        click.echo(f"\n{len(problems)} problem(s) in {directory}: the bot would only send the static "
                   "hotline reply until they are fixed.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(loaded.nodes)} nodes in {directory}, start at {loaded.start!r}.")
