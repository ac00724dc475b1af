"""`hotline-bot replay`: run conversation transcripts against the bot, as testers and CI do."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.transcripts.format import Transcript, TranscriptError, parse, rewrite

MISMATCH, UNREADABLE = 1, 2  # exit statuses


def transcript_paths(paths: tuple[Path, ...]) -> list[Path]:
    """The files named, and every *.txt in the folders named, in order."""
    found = []
    for path in paths:
        found += sorted(path.glob("*.txt")) if path.is_dir() else [path]
    return found


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--webhook", is_flag=True, help="Send each message to POST /sms, signed as Twilio signs it, and "
              "read the reply from the TwiML (default: straight to the engine).")
@click.option("--update", is_flag=True, help="Rewrite the exact (<) replies from what the bot says now, and name "
              "each file changed (review the diff).")
@click.option("--coverage", "show_coverage", is_flag=True, help="Also list the nodes, choices, intents and topics, "
              "per language, that no transcript visits; exit status 1 below 100% of nodes × languages.")
@click.option("--flows", "flows_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Flow folder (default: HOTLINE_FLOWS_DIR, else the repository's flows/).")
def replay(paths: tuple[Path, ...], webhook: bool, update: bool, show_coverage: bool, flows_dir: Path | None) -> None:
    """Replay conversation transcripts (files, or folders of *.txt) on a fresh store each, and show each
    mismatch with its line and the difference marked.

    Exit status 0 when every reply matches (and, with --coverage, every node was visited in every language),
    1 otherwise, 2 when a transcript cannot be read. The format: bot/transcripts/format.py.
    """
    # Imported here, as the other commands do, so `hotline-bot chat` does not load Flask and Twilio to start.
    from bot.transcripts.compare import mismatches
    from bot.transcripts.coverage import Coverage, percent
    from bot.transcripts.play import Engine, Webhook, play, settings_for

    try:
        transcripts = [parse(path) for path in transcript_paths(paths)]
    except TranscriptError as error:
        click.echo(str(error), err=True)
        sys.exit(UNREADABLE)
    if not transcripts:
        click.echo("no transcripts (*.txt) found there", err=True)
        sys.exit(UNREADABLE)
    settings = settings_for(flows_dir)
    channel = (Webhook if webhook else Engine).from_settings(settings)
    flows = channel.base.flows
    coverage = Coverage.of(flows) if flows is not None else None
    failed = 0
    for transcript in transcripts:
        turns = play(transcript, channel)
        if coverage is not None:
            coverage.add(flows, turns)
        replies = [turn.reply for turn in turns]
        if update and rewrite(transcript, replies):
            click.echo(f"updated {transcript.path}")
            transcript = _reparsed(transcript)
        problems = mismatches(transcript, replies)
        if problems:
            failed += 1
            click.echo("\n\n".join(problems) + "\n")
    click.echo(f"{len(transcripts) - failed} of {len(transcripts)} transcript(s) replay as written"
               + (" (through the signed webhook)" if webhook else ""))
    status = MISMATCH if failed else 0
    if show_coverage:
        if coverage is None:
            click.echo("the flows are broken: no coverage (hotline-bot flows check)", err=True)
            sys.exit(MISMATCH)
        click.echo(coverage.report(flows))
        if not coverage.complete():
            visited = sum(coverage.nodes.values())
            click.echo(f"coverage of nodes × languages is {percent(visited, len(coverage.nodes))}; "
                       "it must be 100%: add transcripts that visit the nodes listed above", err=True)
            status = MISMATCH
    sys.exit(status)


def _reparsed(transcript: Transcript) -> Transcript:
    """The transcript as rewritten."""
    return parse(transcript.path)
