"""Loading the flow files (see docs/flow-format.md): read, check everything, then build the model once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import MappingProxyType

from bot.flow import checks, fact_check, facts
from bot.flow.build import Draft
from bot.flow.model import Flows, Intent, Keywords
from bot.flow.problems import ERROR, FlowError, Problem, display_path
from bot.flow.schema import schema_problems
from bot.flow.yaml_source import YAML_SUFFIXES, read_document

__all__ = ["FlowError", "Problem", "check_flows", "flow_files", "load_flows"]



def load_flows(directory: Path) -> Flows:
    """Read and check every flow file in `directory`, and the referral directory under it; raise FlowError
    listing every problem found when any is an error (warnings alone do not stop them loading)."""
    flows, problems = check_flows(directory)
    if flows is None:
        raise FlowError(problems)
    return flows


def check_flows(directory: Path) -> tuple[Flows | None, list[Problem]]:
    """The flows in `directory` (None when any problem is an error) and every problem found, in reading order."""
    from bot.referrals.loader import load_directory  # the referral records use this package's model

    directory_path = directory
    files, problems = flow_files(directory)
    registry, found = facts.load_registry(directory) if files else (None, [])
    problems += found + facts.stale_problems(registry, date.today())
    draft = Draft()
    read_all = bool(files)
    for path in files:
        doc, found = read_document(path)
        problems += found
        if doc is None:
            read_all = False
            continue
        problems += schema_problems(doc) + fact_check.flow_problems([doc], registry)
        draft.add(doc)
    problems += draft.problems
    # Checks across files only make sense when every file could be read: a node in an unreadable file
    # would otherwise be reported missing.
    if read_all:
        problems += checks.start_problems(draft.starts, draft.nodes)
        problems += checks.goto_problems(draft.gotos, draft.nodes)
        problems += checks.system_node_problems(draft.nodes)
        problems += checks.intent_problems(draft.keywords)
        problems += checks.shadow_problems(draft.keywords, draft.keyword_sources, draft.topics.values(), draft.nodes)
        problems += checks.exact_only_problems(draft.keywords, draft.keyword_sources)
        problems += checks.reprompt_problems(draft.nodes)
        if draft.starts and draft.starts[0][0] in draft.nodes:  # else every node would be "unreachable"
            start = draft.starts[0][0]
            problems += checks.reach_problems(start, draft.nodes, draft.topics.values())
            problems += checks.number_problems(start, draft.nodes, draft.texts)
            menu_words = draft.keywords.get(Intent.MENU)
            problems += checks.way_back_problems(start, draft.nodes, _all_words(menu_words), draft.texts)
    directory = None
    if read_all:
        try:
            directory = load_directory(directory_path)
        except FlowError as error:
            problems += error.problems
        problems += fact_check.directory_problems(directory_path, registry)
    problems = _in_reading_order(problems)
    if any(p.level == ERROR for p in problems):
        return None, problems
    return Flows(
        start=draft.starts[0][0],
        nodes=MappingProxyType(dict(draft.nodes)),
        keywords=MappingProxyType({i: draft.keywords[i] for i in Intent}),
        topics=tuple(draft.topics.values()),
        language_words=MappingProxyType({lang: frozenset(words) for lang, words in draft.language_words.items()}),
        directory=directory,
    ), problems


def flow_files(directory: Path) -> tuple[list[Path], list[Problem]]:
    """The flow files in `directory`, in the order they are read, or why there are none."""
    shown = display_path(directory)
    if not directory.is_dir():
        what = "is not a folder" if directory.exists() else "does not exist"
        return [], [Problem(None, f"the flow folder {shown} {what}. Check HOTLINE_FLOWS_DIR.")]
    # Names starting with "." are editors' lock and backup files, not flows; facts.yaml is the facts registry.
    files = sorted(p for p in directory.iterdir()
                   if p.suffix in YAML_SUFFIXES and not p.name.startswith(".") and p.name != facts.FACTS_FILE
                   and p.is_file())
    if not files:
        return [], [Problem(None, f"the flow folder {shown} has no flow files (*.yaml or *.yml) in it.")]
    return files, []


def _all_words(keywords: Keywords | None) -> frozenset[str]:
    """The whole-message words of a keyword group, in every language."""
    return frozenset().union(*keywords.words.values()) if keywords else frozenset()


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """File by file, line by line, then the problems of the flow set as a whole; each once."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.source is None, p.source.file if p.source else "",
                                         p.source.line if p.source else 0))
