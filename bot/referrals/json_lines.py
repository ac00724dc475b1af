"""Lines of a JSON document's keys and list items, so a problem in an imported file can say file:line.

The stdlib's json gives no positions, and the fast path (json.loads of 50,000 services in a third of a
second) must stay fast, so this walk runs only when there is a problem to report.
"""

from __future__ import annotations

import json
import re

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,\n]|[^\s{}\[\]:,"]+')

DataPath = tuple[str | int, ...]


def line_index(text: str) -> dict[DataPath, int]:
    """Every key's and list item's path -> the line (1-based) where it is written."""
    lines: dict[DataPath, int] = {}
    line = 1
    stack: list[list] = []  # [kind, path, current key or index, expecting a key]
    pending_key: str | None = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
            continue
        top = stack[-1] if stack else None
        if token in ",:":
            if token == "," and top is not None:
                if top[0] == "[":
                    top[2] += 1
                else:
                    top[3] = True
            continue
        if token in "}]":
            if stack:
                stack.pop()
            continue
        if top is not None and top[0] == "{" and top[3]:  # a key
            try:
                pending_key = json.loads(token)
            except ValueError:
                pending_key = token
            top[2], top[3] = pending_key, False
            lines[(*top[1], pending_key)] = line
            continue
        path = () if top is None else (*top[1], top[2])
        if top is not None and top[0] == "[":
            lines[path] = line
        if token in "{[":
            stack.append([token, path, 0 if token == "[" else None, token == "{"])
    return lines


def line_of(lines: dict[DataPath, int], path: DataPath) -> int:
    """The line of the deepest part of `path` that is written (1 when none is)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
