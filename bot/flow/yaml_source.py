"""Reading one flow file: YAML parsed with every value's line kept, so problems can say file:line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.flow.indentation import misplaced_line
from bot.flow.model import Source
from bot.flow.problems import Problem, display_path

YAML_SUFFIXES = (".yaml", ".yml")  # the files read as YAML (flow files, facts.yaml, hand-kept directory files)
DataPath = Sequence[str | int]  # a place in the data, as jsonschema gives it: keys and list indexes

_BOOL, _INT, _TIMESTAMP = (f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "timestamp"))
_MERGE = "tag:yaml.org,2002:merge"
_MISSING = object()


class _FlowYamlLoader(yaml.CSafeLoader):
    """SafeLoader (libyaml's, several times faster at start-up) reading plain scalars the YAML 1.2 way.

    YAML 1.1 turns Spanish "no" (and yes/on/off) into booleans, "010" into 8, "1:30" into 90 and
    "2024-01-01" into a date; in a flow file all of those are words or text.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012  (class-level table, as PyYAML expects)
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_FlowYamlLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_FlowYamlLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))

# Plain-language hints for the YAML parser's most common complaints (matched on its wording).
_YAML_HINTS = (
    ("mapping values are not allowed", 'if a text contains ": " (a colon and a space), put the whole text '
                                       "in double quotes"),
    ("could not find expected ':'", "a line may be missing its colon, or a text goes on to the next line "
                                    "without quotes"),
    ("cannot start any token", "indent with spaces, not tabs; a text starting with @ ` % or | needs quotes"),
    ("found a tab character", "indent with spaces, not tabs"),
    ("expected <block end>", "check the indentation: entries at the same level must line up exactly"),
    ("did not find expected key", "check the indentation: entries at the same level must line up exactly"),
    ("did not find expected '-'", "check the indentation of the list: each item starts with \"- \" lined up"),
    ("found unexpected end of stream", "a quote opened on this line is never closed"),
    ("flow sequence", "a list opened with [ on this line is not closed with ], or a word in it needs quotes"),
    ("flow mapping", "a set opened with { on this line is not closed with }, or a text in it needs quotes"),
    ("found undefined alias", "* starts an alias in YAML; put the text in quotes"),
    ("expected a single document", 'a flow file is one document: remove the "---" line'),
)


# Complaints about something opened and never closed: their context mark is where it was opened.
_OPENED = ("while scanning a quoted scalar", "while parsing a flow sequence", "while parsing a flow mapping")


@dataclass(frozen=True)
class Document:
    """One flow file read: its data, and the YAML nodes behind it for finding lines."""

    file: str  # as shown to the operator
    data: object
    root: yaml.Node | None = None
    keys: dict[int, object] = field(default_factory=dict, repr=False)  # id(key node) -> key value
    lines: tuple[str, ...] = field(default=(), repr=False)  # the file's lines, to map a text's characters

    def line_of(self, path: DataPath) -> int:
        """The line of the deepest part of `path` that exists (for a mapping entry: its key's line)."""
        return self._walk(path)[1]

    def source(self, path: DataPath) -> Source:
        """Where `path` was written."""
        return Source(self.file, self.line_of(path))

    def scalar_text(self, path: DataPath) -> str | None:
        """The text exactly as written at `path`, if it is a single value (for "put it in quotes" hints)."""
        node, _, complete = self._walk(path)
        return node.value if complete and isinstance(node, yaml.ScalarNode) else None

    def text_position(self, path: DataPath, index: int) -> tuple[int, int] | None:
        """The line and column (from 1) in the file of character `index` of the text at `path`, when its
        characters stand in the file one for one: a |- block, or a text on one line without escapes."""
        node, _, complete = self._walk(path)
        if not complete or not isinstance(node, yaml.ScalarNode) or not 0 <= index < len(node.value):
            return None
        value, start = node.value, node.start_mark
        if node.style == "|":  # the text starts on the line after "|-"; each of its lines is a file line, indented
            row = value.count("\n", 0, index)
            line_start = value.rfind("\n", 0, index) + 1
            text_line = value[line_start:].split("\n", 1)[0]
            file_row = start.line + 1 + row
            if file_row >= len(self.lines) or not self.lines[file_row].rstrip("\r").endswith(text_line):
                return None
            indent = len(self.lines[file_row].rstrip("\r")) - len(text_line)
            return file_row + 1, indent + index - line_start + 1
        if start.line != node.end_mark.line or start.line >= len(self.lines):
            return None
        column = start.column + (1 if node.style in ("'", '"') else 0)
        if self.lines[start.line][column:column + len(value)] != value:
            return None  # escapes or doubled quotes: the characters do not line up
        return start.line + 1, column + index + 1

    def _walk(self, path: DataPath) -> tuple[yaml.Node | None, int, bool]:
        node = self.root
        line = node.start_mark.line + 1 if node is not None else 1
        for step in path:
            found = self._child(node, step)
            if found is None:
                return node, line, False
            node, pointer = found
            line = pointer.start_mark.line + 1
        return node, line, True

    def _child(self, node: yaml.Node | None, step: str | int) -> tuple[yaml.Node, yaml.Node] | None:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key, value in node.value:  # the last of duplicate keys wins, as in the data
                known = self.keys.get(id(key), _MISSING)
                if known is not _MISSING and type(known) is type(step) and known == step:
                    found = (value, key)
            return found
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            return node.value[step], node.value[step]
        return None


def read_document(path: Path) -> tuple[Document | None, list[Problem]]:
    """Parse the flow file at `path`; on a problem that stops reading, None and the problems."""
    file = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(Source(file, 1), f"cannot read this file ({err.strerror}).")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return None, [Problem(Source(file, line), f"this file is not saved as UTF-8 (the byte 0x{raw[err.start]:02x} "
                              "on this line is not UTF-8). Save it again choosing the UTF-8 encoding.")]
    try:
        loader = _FlowYamlLoader(text)  # checks for control characters already
    except yaml.YAMLError as err:
        return None, [_yaml_problem(err, file, text)]
    try:
        root = loader.get_single_node()
        keys: dict[int, object] = {}
        duplicates = _duplicate_keys(root, loader, file, keys) if root is not None else []
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as err:
        return None, [_yaml_problem(err, file, text)]
    finally:
        loader.dispose()
    return Document(file, data, root, keys, tuple(text.split("\n"))), duplicates


def _duplicate_keys(root: yaml.Node, loader: yaml.SafeLoader, file: str, keys: dict[int, object]) -> list[Problem]:
    """Keys written twice in one mapping (PyYAML would silently keep the last); records every key's value."""
    problems: list[Problem] = []
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "at the top of the file")]
    while stack:
        node, where = stack.pop()
        if id(node) in seen_nodes:  # aliases share nodes; an anchor may even contain itself
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, where) for item in node.value)
        if not isinstance(node, yaml.MappingNode):
            continue
        first_line: dict[object, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            key = loader.construct_object(key_node)
            keys[id(key_node)] = key
            line = key_node.start_mark.line + 1
            if key in first_line:
                problems.append(Problem(Source(file, line), f'"{key}" is written twice {where} (also at line '
                                        f"{first_line[key]}); only one can count. Remove or rename one of them."))
            else:
                first_line[key] = line
            stack.append((value_node, f'under "{key}:"'))
    return sorted(problems, key=lambda p: p.source.line if p.source else 0)


def _yaml_problem(err: yaml.YAMLError, file: str, text: str) -> Problem:
    """A YAML syntax error in plain words, at its line."""
    if isinstance(err, yaml.reader.ReaderError):  # has no mark, only a position
        line = text.count("\n", 0, err.position) + 1
        return Problem(Source(file, line), f"this line contains an invisible control character "
                                           f"(#x{err.character:04x}), often pasted in from another program. "
                                           "Delete it and retype that part.")
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    context = str(getattr(err, "context", None) or "")
    if context.startswith(_OPENED) and getattr(err, "context_mark", None):
        mark = err.context_mark  # the line the quote or bracket was opened on, not where the file ran out
    line = mark.line + 1 if mark else 1
    if isinstance(err, yaml.MarkedYAMLError) and not context.startswith(_OPENED) \
            and not any(p in str(err.problem or "") for p in ("single document", "undefined alias")):
        # The parser complains where the structure broke, often a line or more after the one out of place.
        misplaced = misplaced_line(text, line)
        if misplaced:
            return Problem(Source(file, misplaced.line), f"this is not valid YAML: {misplaced.hint}.")
    what = " ".join(p for p in (getattr(err, "context", None), getattr(err, "problem", None)) if p) or str(err)
    what = " ".join(what.split())  # one problem, one line
    hint = next((h for pattern, h in _YAML_HINTS if pattern in what), "check the indentation and the quotes")
    return Problem(Source(file, line), f"this is not valid YAML ({what}): {hint}.")
