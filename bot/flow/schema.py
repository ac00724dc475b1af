"""Checking one flow file against schema.json, with jsonschema's findings put in an operator's words."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from importlib import resources

from jsonschema import Draft202012Validator, ValidationError

from bot.flow.model import Intent
from bot.flow.problems import Problem
from bot.flow.yaml_source import DataPath, Document

SCHEMA: dict = json.loads(resources.files("bot.flow").joinpath("schema.json").read_text("utf-8"))
_VALIDATOR = Draft202012Validator(SCHEMA)

_LANGUAGE = {"en": "English", "es": "Spanish"}
_NAME_RULE = "lowercase letters, digits and _ only, starting with a letter"
_TEXT = "text (put it in quotes if it looks like a number or a yes/no)"

# What each place in a flow file must hold, by its shape: "*" stands for a name, "#" for a list position.
_EXPECT: dict[tuple[str, ...], str] = {
    (): 'a set of "name: value" lines, starting with "spec: 1"',
    ("spec",): "1, the only version of this format",
    ("start",): f"the name of the main-menu node ({_NAME_RULE})",
    ("nodes",): "a set of nodes: each a name followed by a colon, with say: indented under it",
    ("nodes", "*"): "a set of entries indented under the node's name: say:, and optionally choices: and reprompt:",
    ("nodes", "*", "say"): 'an "en:" and an "es:" text indented under it',
    ("nodes", "*", "reprompt"): 'an "en:" and an "es:" text indented under it',
    ("nodes", "*", "choices"): 'a list of choices, each starting with "- "',
    ("nodes", "*", "choices", "#"): "a set of entries: goto:, and digit: and/or words:",
    ("nodes", "*", "choices", "#", "digit"): "a single digit from 1 to 9 (0 always means MENU)",
    ("nodes", "*", "choices", "#", "goto"): f"the name of a node ({_NAME_RULE})",
    ("nodes", "*", "choices", "#", "words"): 'an "en:" and/or an "es:" list of words indented under it',
    ("keywords",): 'a set of keyword groups (emergency, help, ...), each with "en:" and/or "es:" under it',
    ("keywords", "*"): 'an "en:" and/or an "es:" entry, with words: and/or phrases: under it',
    ("topics",): 'a set of topics: each a name followed by a colon, with goto: and en: and/or es: under it',
    ("topics", "*"): 'a set of entries: goto:, and an "en:" and/or an "es:" entry with words: and/or phrases:',
    ("topics", "*", "goto"): f"the name of a node ({_NAME_RULE})",
    ("languages",): 'an "en:" and/or an "es:" list of words indented under it',
}
for _lang in _LANGUAGE:
    _EXPECT[("nodes", "*", "say", _lang)] = _EXPECT[("nodes", "*", "reprompt", _lang)] = _TEXT
    _EXPECT[("nodes", "*", "choices", "#", "words", _lang)] = "a list of words, like [talk, call]"
    _EXPECT[("nodes", "*", "choices", "#", "words", _lang, "#")] = "a word or a number"
    _EXPECT[("keywords", "*", _lang)] = '"words:" and/or "phrases:" lists indented under it'
    _EXPECT[("keywords", "*", _lang, "words")] = "a list of words, like [help, info]"
    _EXPECT[("keywords", "*", _lang, "words", "#")] = "a word or a number"
    _EXPECT[("keywords", "*", _lang, "phrases")] = 'a list of phrases, like ["i need help"]'
    _EXPECT[("keywords", "*", _lang, "phrases", "#")] = "a phrase (text)"
    for _part in ("words", "phrases"):
        for _shape_end in ((), ("#",)):
            _EXPECT[("topics", "*", _lang, _part, *_shape_end)] = _EXPECT[("keywords", "*", _lang, _part, *_shape_end)]
    _EXPECT[("topics", "*", _lang)] = _EXPECT[("keywords", "*", _lang)]
    _EXPECT[("languages", _lang)] = "a list of words, like [thanks, what]"
    _EXPECT[("languages", _lang, "#")] = "a word (text)"


def schema_problems(doc: Document) -> list[Problem]:
    """Everything in `doc` that does not follow the flow file format, each at its line."""
    found = [p for error in _VALIDATOR.iter_errors(doc.data) for p in _explain(error, doc)]
    unique = dict.fromkeys(found)  # one slip can break two rules that say the same thing
    return sorted(unique, key=lambda p: p.source.line if p.source else 0)


def where(path: DataPath) -> tuple[str, int]:
    """What `path` is inside, for a message prefix ('node "talk", choice 2'), and how many steps that took."""
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], str):
        if len(path) >= 4 and path[2] == "choices" and isinstance(path[3], int):
            return f'node "{path[1]}", choice {path[3] + 1}', 4
        return f'node "{path[1]}"', 2
    if len(path) >= 2 and path[0] == "keywords" and isinstance(path[1], str):
        return f'keywords "{path[1]}"', 2
    if len(path) >= 2 and path[0] == "topics" and isinstance(path[1], str):
        return f'topic "{path[1]}"', 2
    return "", 0


def label(path: DataPath) -> str:
    """What the value at `path` is called in a message ("the Spanish text (es)")."""
    used = where(path)[1]
    rest = path[used:]
    if not rest:
        if used == 4:
            return "the choice"
        if used == 2:
            return {"nodes": "the node", "keywords": "the keyword group"}.get(str(path[0]), "the topic")
        return "this file"
    last, parent = rest[-1], rest[-2] if len(rest) >= 2 else None
    if isinstance(last, int):
        return f"item {last + 1} of {label(path[:-1])}"
    if last in _LANGUAGE:
        kind = {"say": "text", "reprompt": "reprompt", "words": "words"}.get(str(parent), "keywords")
        return f"the {_LANGUAGE[last]} {kind} ({last})"
    if last in ("words", "phrases") and parent in _LANGUAGE:
        return f"the {_LANGUAGE[parent]} {last} ({parent})"
    return f'"{last}"'


def _shape(path: DataPath) -> tuple[str, ...]:
    """`path` with names and list positions replaced by "*" and "#", to look up what belongs there."""
    return tuple(
        "#" if isinstance(step, int) else "*" if i == 1 and path[0] in ("nodes", "keywords", "topics") else str(step)
        for i, step in enumerate(path)
    )


def _explain(error: ValidationError, doc: Document) -> Iterator[Problem]:
    """One jsonschema error as problems an operator can act on (one per missing or unknown entry)."""
    path = tuple(error.absolute_path)
    prefix = where(path)[0]

    def problem(at: DataPath, message: str) -> Problem:
        return Problem(doc.source(at), f"{prefix}: {message}" if prefix else message)

    if "propertyNames" in error.absolute_schema_path:  # the error is about a key, not a value
        name = error.instance
        yield problem((*path, name), _bad_name(path, name))
    elif error.validator == "required":
        for missing in (m for m in error.validator_value if m not in error.instance):
            yield problem(path, f"{label((*path, missing))} is missing. {_add_hint(path, missing)}")
    elif error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        container = "at the top of the file" if not path else f"in {label(path)}"
        for extra in (k for k in error.instance if k not in allowed):
            close = difflib.get_close_matches(str(extra), allowed, n=1)
            hint = f' Did you mean "{close[0]}"?' if close else " Check the spelling and the indentation."
            yield problem((*path, extra), f'"{extra}" does not belong {container} (it can have: '
                                          f"{', '.join(allowed)}).{hint}")
    elif error.validator == "anyOf":  # the only anyOf: a choice needs a digit or words
        yield problem(path, 'this choice has no "digit:" and no "words:", so no one can pick it. Add one or both.')
    else:
        yield problem(path, _wrong_value(error, path, doc))


def _wrong_value(error: ValidationError, path: DataPath, doc: Document) -> str:
    """The message for a value of the wrong kind, or empty."""
    expect = _EXPECT.get(_shape(path), "something else")
    value = error.instance
    empty = value is None or error.validator in ("minProperties", "minItems", "minLength") or (
        isinstance(value, str) and not value.strip())
    if empty:
        return f"{label(path)} is empty; it must be {expect}."
    message = f"{label(path)} must be {expect}, not {_show(value)}."
    raw = doc.scalar_text(path)
    wants_text = "string" in str(error.schema.get("type", "")) and path[-1:] != ("digit",)
    if raw is not None and not isinstance(value, str) and wants_text:
        message += f' To use it as text, put it in quotes: "{raw}".'
    return message


def _bad_name(path: DataPath, name: object) -> str:
    """The message for a node name or keyword group name that is not allowed."""
    if path == ("keywords",):
        groups = [i.value for i in Intent]
        close = difflib.get_close_matches(str(name), groups, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        return f'"{name}" is not a keyword group the bot knows; use one of: {", ".join(groups)}.{hint}'
    what = "topic" if path == ("topics",) else "node"
    return f'the {what} name "{name}" is not allowed: use {_NAME_RULE} (for example "talk_now").'


def _add_hint(path: DataPath, missing: str) -> str:
    """How to add the entry `missing` to the mapping at `path`."""
    if not path and missing == "spec":
        return 'Add "spec: 1" at the top of the file.'
    if missing == "goto":
        what = "topic" if path[:1] == ("topics",) else "choice"
        return f'Add "goto:" with the name of the node this {what} leads to.'
    article = "an" if missing[:1] in "aeiou" else "a"
    under = f' under "{path[-1]}:"' if path and isinstance(path[-1], str) else ""
    return f'Add {article} "{missing}:" entry{under}.'


def _show(value: object) -> str:
    """`value` as the operator wrote it, roughly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:40]}..."' if len(value) > 40 else f'"{value}"'
    if isinstance(value, dict):
        return "a set of entries"
    if isinstance(value, list):
        return "a list"
    return str(value)
