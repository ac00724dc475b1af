"""`hotline-bot flows ...`: the operators' commands for the flow files."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot import settings
from bot.flow.yaml_source import YAML_SUFFIXES

if TYPE_CHECKING:
    from bot.flow.model import Flows



@click.group()
def flows() -> None:
    """Work with the flow files."""


@flows.command("check")
@click.argument("directory", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one `file:line: level: message` line per problem, then a summary. json: one array of "
                   "{file, line, level, message} objects (file and line null for the flow set as a whole).")
@click.option("--facts", "list_facts", is_flag=True,
              help="First list the facts (facts.yaml): each number, short code and address, and when it was verified.")
def flows_check(directory: Path | None, output_format: str, list_facts: bool) -> None:
    """Load the flow files as the bot would, and list every problem with its file and line.

    DIRECTORY is the flow folder (default: HOTLINE_FLOWS_DIR). A flow file is understood as the folder it is
    in: the bot reads every file of a folder together, so one file cannot be checked alone.

    Exit status: 0 when the flows load (warnings alone do not stop them), 1 when any problem is an error
    (the bot would send only the static hotline reply), 2 when the command is used wrongly.
    """
    from bot.flow import check_flows
    from bot.flow.facts import facts_listing
    from bot.flow.problems import ERROR

    if list_facts and output_format == "json":
        raise click.UsageError("--facts lists the facts as text: use it without --format json")
    if directory is None:
        directory = Path(settings.read()["HOTLINE_FLOWS_DIR"])
    elif directory.is_file():
        if directory.suffix not in YAML_SUFFIXES:
            raise click.BadParameter(f"{directory} is neither a folder nor a flow file (*.yaml or *.yml).",
                                     param_hint="DIRECTORY")
        click.echo(f"{directory} is a file: checking the folder it is in, {directory.parent}, as the bot reads "
                   "every file there together.", err=True)
        directory = directory.parent
    if list_facts:
        click.echo(facts_listing(directory, date.today()))
    loaded, problems = check_flows(directory)
    errors = sum(p.level == ERROR for p in problems)
    if output_format == "json":
        click.echo(json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(_summary(directory, loaded, errors, len(problems) - errors))
    sys.exit(1 if errors else 0)


def _summary(directory: Path, loaded: Flows | None, errors: int, warnings: int) -> str:
    """The last line of the text report: what was found and what it means for the bot."""
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if errors or loaded is None:
        return (f"{counts} in {directory}: the bot will not use these flows until the errors are fixed (a running "
                "server keeps serving the flows it has; one starting now would send only the static reply with 911 "
                "and the hotline).")
    return f"OK: {len(loaded.nodes)} nodes in {directory}, start at {loaded.start!r}; {counts}."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@flows.command("graph")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--format", "form", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid", show_default=True,
              help="mermaid (for the README and GitHub), dot (Graphviz), or svg (needs Graphviz's `dot`).")
def flows_graph(directory: Path | None, form: str) -> None:
    """Print a picture of the menu: every page, every choice, and what is answered from anywhere.

    DIRECTORY is the flow folder (default: HOTLINE_FLOWS_DIR). The README keeps the Mermaid picture of the
    shipped flows (a test says when it is out of date). Exit status: 0 printed, 1 when the flows have errors
    (fix them first: hotline-bot flows check), 2 for bad usage or svg without Graphviz.
    """
    import shutil
    import subprocess

    from bot.flow import check_flows
    from bot.flow.graph import dot, mermaid

    directory = directory or Path(settings.read()["HOTLINE_FLOWS_DIR"])
    loaded, problems = check_flows(directory)
    if loaded is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"\nThe flows in {directory} have problems; fix them first (hotline-bot flows check).", err=True)
        sys.exit(1)
    if form == "mermaid":
        click.echo(mermaid(loaded), nl=False)
        return
    if form == "dot":
        click.echo(dot(loaded), nl=False)
        return
    graphviz = shutil.which("dot")
    if graphviz is None:
        click.echo("svg needs Graphviz's `dot` program, which is not installed (e.g. apt-get install graphviz); "
                   "or use --format mermaid, which GitHub draws.", err=True)
        sys.exit(2)
    drawn = subprocess.run([graphviz, "-Tsvg"], input=dot(loaded).encode(), capture_output=True, check=False)
    if drawn.returncode != 0:
        click.echo(f"Graphviz failed: {drawn.stderr.decode(errors='replace').strip()}", err=True)
        sys.exit(1)
    click.echo(drawn.stdout.decode(), nl=False)
