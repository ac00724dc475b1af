"""Finding the line a YAML indentation mistake is really on.

The YAML parser notices a misplaced line only when the structure breaks, often a line or more later, and
describes what it expected there ("did not find expected key"). An operator needs the first line out of
place: this walks the lines before the parser's complaint, keeping the indentation of every open level,
and names the first line that lines up with none of them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# "name:" or "- name:", then the value (if any); keys in quotes too. A "#" after a space starts a comment.
_ENTRY = re.compile(r"""
    (?P<dash>-(?:[ \t]+|$))?                                              # a list item
    (?:(?P<key>"[^"]*"|'[^']*'|[\w.-]+)[ \t]*:(?:[ \t]+|$))?  # name: (a text line with ": " is no entry)
    (?P<value>.*)$""", re.VERBOSE)
_BLOCK_TEXT = re.compile(r"[|>][-+0-9]*(?:[ \t]+#.*)?$")  # "|-", ">", "|2+": a text on the lines below


@dataclass(frozen=True)
class Misplaced:
    """The line out of place (from 1) and what to do about it."""

    line: int
    hint: str


@dataclass
class _Level:
    indent: int
    line: int  # where this level started (its first entry)
    is_list: bool = False
    lined_up: bool = False  # a list whose "- " line up with its parent's name ("choices:" then "- digit: 1")


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int
    is_item: bool  # starts with "- "
    inner: int  # where the entry after "- " starts (the indent, for a line that is not an item)
    has_key: bool  # "name:" (after "- " for an item)
    value: str  # what follows "name:" or "- "

    @property
    def opens(self) -> bool:
        """The next line may go one level deeper: "name:" or "-" with nothing after it."""
        return (self.has_key or self.is_item) and (not self.value or self.value.startswith("#"))


def misplaced_line(text: str, up_to: int) -> Misplaced | None:
    """The first line, up to line `up_to` (from 1), whose indentation matches no level open around it."""
    raw_lines = text.split("\n")[:up_to]
    step = _usual_step(raw_lines)
    lines = _lines(raw_lines, step)
    if isinstance(lines, Misplaced):
        return lines
    levels: list[_Level] = [_Level(0, 1)]
    previous: _Line | None = None
    for line in lines:
        top = levels[-1]
        if line.indent > top.indent:
            if previous is None or not previous.opens:
                if not (line.is_item or line.has_key):
                    continue  # a text going on over several lines
                parent = levels[-2] if len(levels) > 1 else None
                if parent and step and top.indent - parent.indent != step and line.indent - parent.indent == step:
                    return Misplaced(top.line, f"this line is indented {_spaces(top.indent)}, but the entries at its "
                                               f"level use {line.indent} (line {line.number}); line them up")
                return Misplaced(line.number, f"this line is indented {_spaces(line.indent)}, more than the entry "
                                              f"above it (line {previous.number if previous else 1}, at "
                                              f"{top.indent}), which already has its value; line it up with the "
                                              f"entries around it ({top.indent} spaces)")
            levels.append(_Level(line.indent, line.number, line.is_item))
        else:
            closed: list[_Level] = []
            while line.indent < levels[-1].indent:
                closed.append(levels.pop())
            if line.indent != levels[-1].indent:
                return _between(line, levels, closed, step)
            if line.is_item and not levels[-1].is_list and previous is not None and previous.opens:
                levels.append(_Level(line.indent, line.number, True, True))  # "choices:" then "- digit: 1"
            elif levels[-1].is_list and not line.is_item:
                if not levels[-1].lined_up:
                    return Misplaced(line.number, f"this line is indented {_spaces(line.indent)}, like the items of "
                                                  f"the list above it (line {levels[-1].line}), but it is not an item "
                                                  '("- "); line it up with the entries it belongs with '
                                                  f"({levels[-2].indent} spaces)")
                levels.pop()  # the end of a list lined up with its name: back to its parent's entries
        if line.is_item and line.has_key:
            levels.append(_Level(line.inner, line.number))  # the item's other entries line up after "- "
        previous = line
    return None


def _lines(raw_lines: list[str], step: int | None) -> list[_Line] | Misplaced:
    """The lines that hold entries, with texts over several lines and comments left out; or a line indented
    with a tab, or a line of a |- text less indented than the rest."""
    found: list[_Line] = []
    block: tuple[int, int | None, int] | None = None  # a |- text: (its entry's indent, its lines' indent, line)
    depth = 0  # open [ and { of a list or mapping written on several lines
    for number, raw in enumerate(raw_lines, 1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if block:
            key_indent, text_indent, first = block
            if not stripped or (indent > key_indent and (text_indent is None or indent >= text_indent)):
                if stripped and text_indent is None:
                    block = (key_indent, indent, number)
                continue  # a line of the text
            block = None
            if text_indent is None and not _ENTRY.match(stripped)["key"]:
                deeper = key_indent + (step or 2)
                return Misplaced(number, f"this line of text is indented {_spaces(indent)}, no more than its entry "
                                         f"(line {first - 1}, at {key_indent}); the lines of a text written under |- "
                                         f"must be indented more than the entry's name ({deeper} spaces)")
            if text_indent is not None and indent > key_indent and _ENTRY.match(stripped)["key"] is not None:
                return Misplaced(number, f"this line is indented {_spaces(indent)}, but the entry above it (line "
                                         f"{first - 1}) is at {key_indent}: if it is a new entry, line it up with "
                                         f"that one ({key_indent} spaces); if it is part of the text, indent it as "
                                         f"the text ({text_indent})")
            if text_indent is not None and step and text_indent - key_indent != step and indent - key_indent == step:
                return Misplaced(first, f"this line of text is indented {_spaces(text_indent)}, but the lines of "
                                        f"text after it use {indent} (line {number}); line them up")
            if text_indent is not None and (indent > key_indent or not _ENTRY.match(stripped)["key"]):
                return Misplaced(number, f"this line of text is indented {_spaces(indent)}, less than the text "
                                         f"above it ({text_indent}, from line {first}); every line of a text "
                                         "written under |- must be indented at least as much as its first line")
        if not stripped or stripped.startswith("#") or depth > 0:
            depth = max(0, depth + _brackets(stripped))
            continue
        if raw[indent:indent + 1] == "\t":
            return Misplaced(number, "this line is indented with a tab: indent with spaces, not tabs")
        entry = _ENTRY.match(stripped)
        dash = entry["dash"] or ""
        line = _Line(number, indent, bool(dash), indent + len(dash), entry["key"] is not None,
                     entry["value"].strip())
        found.append(line)
        depth = max(0, _brackets(line.value))
        if line.has_key and _BLOCK_TEXT.match(line.value):
            block = (line.inner, None, number + 1)
    return found


def _brackets(text: str) -> int:
    """How many [ and { `text` leaves open (quoted text left out)."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", text)
    return bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}")


def _between(line: _Line, levels: list[_Level], closed: list[_Level], step: int | None) -> Misplaced:
    """A line lining up with no open level (`closed`: the deeper ones it ended): it, or the level it falls
    short of, is out of place. The one whose distance from the parent is not the file's usual step moves."""
    parent, nearest = levels[-1], closed[-1] if closed else None
    lists = [level for level in (*levels, *closed) if level.is_list]
    if line.is_item and lists:
        items = min(lists, key=lambda level: abs(level.indent - line.indent))
        return Misplaced(line.number, f"this list item is indented {_spaces(line.indent)}, but the items of its "
                                      f"list start at {items.indent} (line {items.line}); every \"- \" of a list "
                                      "must line up")
    grandparent = levels[-2] if len(levels) > 1 else None
    if grandparent and step and parent.is_list and nearest and nearest.line == parent.line:
        expected = grandparent.indent + step  # where the "- " of a list under its name usually goes
        if parent.indent != expected and line.indent == expected + 2:
            return Misplaced(parent.line, f"this list item is indented {_spaces(parent.indent)}, but the entries "
                                          f"under it use {line.indent} (line {line.number}); put its \"- \" at "
                                          f"{expected} spaces")
    if grandparent and step and parent.indent - grandparent.indent != step and line.indent - grandparent.indent == step:
        return Misplaced(parent.line, f"this line is indented {_spaces(parent.indent)}, but the entries at its "
                                      f"level use {line.indent} (line {line.number}); line them up")
    if nearest and step and nearest.indent - parent.indent != step and line.indent - parent.indent == step:
        return Misplaced(nearest.line, f"this line is indented {_spaces(nearest.indent)}, but the entries at its "
                                       f"level use {line.indent} (line {line.number}); line them up")
    around = f"{nearest.indent} (line {nearest.line}) or " if nearest else ""
    return Misplaced(line.number, f"this line is indented {_spaces(line.indent)}, but the entries around it use "
                                  f"{around}{parent.indent} (line {parent.line}); line it up with the entries it "
                                  "belongs with")


def _usual_step(raw_lines: list[str]) -> int | None:
    """How many spaces deeper the lines under a "name:" line usually go in this file (2 in the shipped flows)."""
    steps: Counter[int] = Counter()
    above: tuple[int, bool] | None = None  # (where its entry starts, it ends with ":" or "|-")
    for raw in raw_lines:
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if above and above[1] and indent > above[0]:
            steps[indent - above[0]] += 1
        dash = re.match(r"-[ \t]+", stripped)
        above = (indent + (dash.end() if dash else 0), bool(re.search(r"(:|:[ \t]+[|>][-+]?)$", stripped)))
    return steps.most_common(1)[0][0] if steps else None


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"
