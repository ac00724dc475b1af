"""The corpus of messages people really write (corpus.txt): reading it, and judging where the bot took each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.engine import DEFAULT_PROGRAM, Outcome
from bot.flow.model import LANGUAGES, Flows
from bot.state import State
from bot.text import fill

CORPUS = Path(__file__).with_name("corpus.txt")
INTENT_NODES = {"emergency": "emergency", "suicide": "suicide", "help": "help", "none": "reprompt"}
MENU_LABELS = {"menu", "hello", "english", "spanish"}  # they all show the main menu
RESULTS: dict[str, list[tuple[bool, bool]]] = {}  # label -> (reached, and in the right language), per case


@dataclass(frozen=True)
class Case:
    """One message of the corpus and where it must lead."""

    line: int
    label: str
    lang: str  # "en", "es", or "-" (the message says nothing about its language)
    text: str

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"


def read(path: Path = CORPUS) -> list[Case]:
    """Every case of a corpus file ("label lang message" lines; # comments)."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            label, lang, text = line.split(None, 2)
            cases.append(Case(number, label, lang, text))
    return cases


def starting_state(case: Case, now: int) -> State:
    """Mid-conversation at the main menu, in the OTHER language (so the reply must follow the texter);
    opted out for START, which only means something then."""
    lang = {"en": "es", "es": "en"}.get(case.lang, "en")
    return State(node="menu", lang=lang, opted_out=case.label == "start", last_seen=now - 60)


def landing(flows: Flows, before: State, outcome: Outcome) -> tuple[str, str | None]:
    """Where a turn took the texter, as a corpus label, and the language of the reply (None: unknown)."""
    if outcome.state is None:
        return "delete", None
    if outcome.state.opted_out != before.opted_out:
        return ("stop" if outcome.state.opted_out else "start"), outcome.state.lang
    if not outcome.replies:
        return "silence", None
    here = flows.node(before.node or flows.start)
    for node in flows.nodes.values():
        for lang in LANGUAGES:
            hint = here.reprompt.get(lang) if here.reprompt else ""
            if outcome.replies[0] == fill(node.say.get(lang), program=DEFAULT_PROGRAM, hint=hint, place=""):
                label = next((k for k, v in INTENT_NODES.items() if v == node.name), node.name)
                if node.name == flows.start:
                    label = "menu"
                return label, lang
    return "unknown", None


def judge(case: Case, got: str, got_lang: str | None) -> tuple[bool, bool]:
    """Whether the case reached its label, and whether it did so in the right language."""
    reached = got == ("menu" if case.label in MENU_LABELS else case.label)
    wanted = {"english": "en", "spanish": "es"}.get(case.label, case.lang)
    return reached, reached and (wanted == "-" or got_lang in (None, wanted))


def recall_table() -> str:
    """Recall per label, as printed at the end of the run."""
    lines = [f"{'label':13} {'reached':>9} {'recall':>7} {'in the right language':>22}"]
    totals: Counter[str] = Counter()
    for label, results in RESULTS.items():
        reached = sum(r for r, _ in results)
        right = sum(lang for _, lang in results)
        totals.update(n=len(results), reached=reached, right=right)
        lines.append(f"{label:13} {reached:4}/{len(results):<4} {100 * reached / len(results):6.1f}% "
                     f"{right:15}/{len(results)}")
    lines.append(f"{'all':13} {totals['reached']:4}/{totals['n']:<4} {100 * totals['reached'] / totals['n']:6.1f}% "
                 f"{totals['right']:15}/{totals['n']}")
    return "\n".join(lines)
