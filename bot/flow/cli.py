"""`hotline-bot flows ...`: the operators' commands for the flow files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot import settings


@click.group()
def flows() -> None:
    """Work with the flow files."""


@flows.command("check")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
def flows_check(directory: Path | None) -> None:
    """Load the flow files as the bot would, and list every problem with its file and line."""
    from bot.flow import check_flows

    directory = directory or Path(settings.read()["HOTLINE_FLOWS_DIR"])
    loaded, problems = check_flows(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    if loaded is None:
        click.echo(f"\n{len(problems)} problem(s) in {directory}: the bot would only send the static "
                   "hotline reply until they are fixed.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(loaded.nodes)} nodes in {directory}, start at {loaded.start!r}.")


@flows.command("graph")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@click.option("--format", "form", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid", show_default=True,
              help="mermaid (for the README and GitHub), dot (Graphviz), or svg (needs Graphviz's `dot`).")
def flows_graph(directory: Path | None, form: str) -> None:
    """Print a picture of the menu: every page, every choice, and what is answered from anywhere."""
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
