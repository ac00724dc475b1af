"""A picture of the menu: the flows as a Mermaid or Graphviz (dot) diagram. Pure: flows in, text out.

What is drawn, so the menu stays readable:
- the menu pages, each labelled with its node name (what an operator looks for in the flow files), and
  each choice as an arrow labelled with its digit and a word in each language;
- "Answered from anywhere": the nodes the bot says on its own (911, 988, HELP, STOP, ...), grouped in one
  box, each with the words that bring it up (or when the bot says it), without an arrow from every page;
- the words that bring back the main menu (MENU, hello, a language) as one box with one arrow;
- topics (free text such as "they took my passport") as dotted arrows from one "free text" box.
Menu numbers also work from every page; that is said once, in a note, not drawn as arrows.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.flow.model import SYSTEM_NODES, Choice, Flows, Intent, Keywords

# The node each global intent answers with (bot.engine._on_intent); None: the main menu (flows.start).
INTENT_REPLIES: dict[Intent, str | None] = {
    Intent.EMERGENCY: "emergency",
    Intent.SUICIDE: "suicide",
    Intent.HELP: "help",
    Intent.DELETE: "erased",
    Intent.STOP: "stopped",
    Intent.START: "started",
    Intent.ENGLISH: None,
    Intent.SPANISH: None,
    Intent.MENU: None,
    Intent.HELLO: None,
}
# When the bot says a system node that no intent brings up.
SAID_WHEN = {
    "local": "asks where you are",
    "local_found": "a ZIP code, city or state",
    "local_unknown": "a place it cannot find",
    "reprompt": "a message it does not understand",
    "slowed": "too many messages in a minute",
}
WORDS_SHOWN = 3  # per intent: enough to recognise it, not the whole list
FREE_TEXT, MENU_WORDS = "free text", "menu words"
NOTE = "menu numbers work from every page"


def mermaid(flows: Flows) -> str:
    """The flows as a Mermaid flowchart (renders on GitHub and in most Markdown viewers)."""
    lines = ["flowchart LR"]
    lines += [f"    {_id(name)}[\"{_mermaid_text(label)}\"]" for name, label in _pages(flows)]
    lines += [f"    {_id(a)} -->|\"{_mermaid_text(label)}\"| {_id(b)}" for a, b, label in _choices(flows)]
    lines.append(f"    box_menu_words([\"{_mermaid_text(_menu_words(flows))}\"]) --> {_id(flows.start)}")
    topics = list(_topics(flows))
    if topics:
        lines.append(f"    box_free_text([\"{FREE_TEXT}\"])")
        lines += [f"    box_free_text -.->|\"{_mermaid_text(label)}\"| {_id(goto)}" for goto, label in topics]
    lines.append("    subgraph anywhere [\"Answered from anywhere\"]")
    lines += [f"        {_id(name)}[\"{_mermaid_text(label)}\"]" for name, label in _anywhere(flows)]
    lines.append("    end")
    lines.append(f"    box_note[/\"{NOTE}\"/]")
    return "\n".join(lines) + "\n"


def dot(flows: Flows) -> str:
    """The flows as a Graphviz digraph (`dot -Tsvg` draws it)."""
    lines = ["digraph flows {", "    rankdir=LR;", "    node [shape=box, fontname=\"sans-serif\"];",
             "    edge [fontname=\"sans-serif\", fontsize=10];"]
    lines += [f"    {_id(name)} [label={_dot_text(label)}];" for name, label in _pages(flows)]
    lines += [f"    {_id(a)} -> {_id(b)} [label={_dot_text(label)}];" for a, b, label in _choices(flows)]
    lines.append(f"    box_menu_words [label={_dot_text(_menu_words(flows))}, shape=oval];")
    lines.append(f"    box_menu_words -> {_id(flows.start)};")
    topics = list(_topics(flows))
    if topics:
        lines.append(f"    box_free_text [label={_dot_text(FREE_TEXT)}, shape=oval];")
        lines += [f"    box_free_text -> {_id(goto)} [label={_dot_text(label)}, style=dashed];"
                  for goto, label in topics]
    lines += ["    subgraph cluster_anywhere {", f"        label={_dot_text('Answered from anywhere')};"]
    lines += [f"        {_id(name)} [label={_dot_text(label)}];" for name, label in _anywhere(flows)]
    lines.append("    }")
    lines.append(f"    box_note [label={_dot_text(NOTE)}, shape=note];")
    return "\n".join(lines) + "\n}\n"


def _pages(flows: Flows) -> Iterator[tuple[str, str]]:
    """(name, label) of every node a texter reaches through the menu (a choice leads to it), the start first."""
    yield flows.start, f"{flows.start} (welcome)"
    anywhere = _anywhere_names(flows)
    for name in flows.nodes:
        if name != flows.start and name not in anywhere:
            yield name, name


def _anywhere_names(flows: Flows) -> list[str]:
    """The system nodes no choice leads to: the bot says them on its own, from any page."""
    chosen = {choice.goto for node in flows.nodes.values() for choice in node.choices}
    return [name for name in SYSTEM_NODES if name in flows.nodes and name not in chosen]


def _choices(flows: Flows) -> Iterator[tuple[str, str, str]]:
    """(from, to, label) for every choice of every node."""
    for node in flows.nodes.values():
        for choice in node.choices:
            yield node.name, choice.goto, choice_label(choice)


def choice_label(choice: Choice) -> str:
    """A choice's digit, and its shortest word in each language: "1 talk / hablar"."""
    words = [min(choice.words[lang], key=lambda w: (len(w), w)) for lang in sorted(choice.words)
             if choice.words[lang]]
    return " ".join(part for part in (choice.digit, " / ".join(dict.fromkeys(words))) if part)


def _topics(flows: Flows) -> Iterator[tuple[str, str]]:
    """(goto, label) of every topic: its name in words."""
    for topic in flows.topics:
        yield topic.goto, topic.name.replace("_", " ")


def _anywhere(flows: Flows) -> Iterator[tuple[str, str]]:
    """(name, label) of every system node: its name and what brings it up."""
    brought_by = {node: intent for intent, node in INTENT_REPLIES.items() if node is not None}
    for name in _anywhere_names(flows):
        intent = brought_by.get(name)
        when = _some_words(intent, flows.keywords[intent]) if intent in flows.keywords else SAID_WHEN.get(name, "")
        yield name, f"{name}: {when}" if when else name


def _menu_words(flows: Flows) -> str:
    """The words that bring back the main menu: one per intent."""
    return ", ".join(_some_words(intent, flows.keywords[intent], 1) for intent, node in INTENT_REPLIES.items()
                     if node is None and intent in flows.keywords)


def _some_words(intent: Intent, keywords: Keywords, count: int = WORDS_SHOWN) -> str:
    """A few of the words or phrases that bring up `intent`: its own name if it is one of them, then the
    shortest, English first and one in each other language: "stop, end, parar"."""
    chosen: list[str] = []
    for lang in ("en", *sorted(set(keywords.words) - {"en"})):
        found = {*keywords.words.get(lang, ()), *keywords.phrases.get(lang, ())}
        ranked = sorted(found, key=lambda w: (w != intent.value, len(w), w))
        chosen += [w for w in ranked if w not in chosen][:1 if chosen else max(count - 1, 1)]
    return ", ".join(chosen[:count])


def _id(name: str) -> str:
    """A node's id in the diagram: its name prefixed, so it clashes with no keyword (Mermaid's `end`) and with
    none of the diagram's own boxes (`box_...`)."""
    return "n_" + "".join(c if c.isalnum() else "_" for c in name)


def _mermaid_text(text: str) -> str:
    """`text` safe inside a quoted Mermaid label."""
    return (text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("|", "#124;"))


def _dot_text(text: str) -> str:
    """`text` as a quoted dot string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
