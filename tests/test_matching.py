"""What a message asks for, on the shipped flows: words, phrases, typos, precedence and language."""

from __future__ import annotations

import pytest

from bot.flow import Intent, load_flows
from bot.settings import REPO_FLOWS
from bot.text import normalise

FLOWS = load_flows(REPO_FLOWS)


def matched(text: str) -> tuple[object, str | None, bool] | None:
    """(intent or topic goto, language, found only after correcting typos), or None."""
    match = FLOWS.matcher.match(normalise(text))
    if match is None:
        return None
    target = match.target if isinstance(match.target, Intent) else match.target.goto
    return target, match.lang, match.corrected


@pytest.mark.parametrize(("text", "expected"), [
    # as written: a whole-message word, or a phrase anywhere
    ("911", (Intent.EMERGENCY, None, False)),           # in both languages' lists: says nothing of the language
    ("please, i'm trapped", (Intent.EMERGENCY, "en", False)),
    ("no me dejan salir de aquí", (Intent.EMERGENCY, "es", False)),
    ("I want to kill myself", (Intent.SUICIDE, "en", False)),
    ("help please", (Intent.HELP, "en", False)),
    ("Ayuda", (Intent.HELP, "es", False)),
    ("STOP", (Intent.STOP, None, False)),
    ("my boss took my passport", ("labour", "en", False)),
    # precedence: safety first
    ("suicide, they are going to kill me", (Intent.EMERGENCY, "en", False)),
    ("help, I want to kill myself", (Intent.SUICIDE, "en", False)),
    ("help please, he took my passport", (Intent.HELP, "en", False)),
    # typos: one edit in 5+ letters, two in 8+, swapped letters in 4, letters held down
    ("emergncy", (Intent.EMERGENCY, "en", True)),
    ("emergensia", (Intent.EMERGENCY, "es", True)),
    ("Im in dangerr", (Intent.EMERGENCY, "en", True)),
    ("sucide", (Intent.SUICIDE, "en", True)),
    ("hepl", (Intent.HELP, "en", True)),
    ("hlep", (Intent.HELP, "en", True)),
    ("helppp", (Intent.HELP, "en", True)),
    ("ayda", (Intent.HELP, "es", True)),
    ("AYUDAAA", (Intent.HELP, "es", True)),
    ("nesecito ayuda", (Intent.HELP, "es", True)),      # two edits in a word of 8+ letters
    ("emrgncy", (Intent.EMERGENCY, "en", True)),
    # ... but not more than that
    ("halp", None),                                     # a 4-letter word: only swapped letters
    ("emrgnc", None),                                   # three edits
    ("danegr", (Intent.EMERGENCY, "en", True)),
    ("dnagre", None),                                   # two edits in a 6-letter word
])
def test_what_a_message_asks_for(text, expected):
    assert matched(text) == expected


@pytest.mark.parametrize("text", [
    "stopp", "STOPPP", "sotp", "stop it", "he won't stop hitting me", "i can't stop crying", "the stop sign",
    "when will this end", "how do i cancel", "startt", "strat", "deletee", "delet", "borar", "parar de llorar",
])
def test_opt_out_opt_in_and_erase_only_as_written(text):
    found = matched(text)
    assert found is None or found[0] not in (Intent.STOP, Intent.START, Intent.DELETE), found


@pytest.mark.parametrize(("text", "corrected"), [
    ("tlak", "talk"),                 # a menu word with two letters swapped
    ("reprot", "report"),
    ("señalez", "señales"),
    ("hi", "hi"),                     # too short to correct
    ("kill", "kill"),                 # a word the flows use is never "corrected" into another
    ("there", "there"),
])
def test_words_the_flows_do_not_know_are_corrected_to_the_nearest_they_do(text, corrected):
    assert FLOWS.matcher.correct(normalise(text)) == corrected


@pytest.mark.parametrize(("text", "lang"), [
    ("gracias", "es"), ("no entiendo", "es"), ("thanks", "en"), ("what is this", "en"),
    ("ok", None), ("911", None), ("????", None), ("hola thanks", None),  # both, or neither: it does not say
])
def test_the_language_a_message_is_clearly_written_in(text, lang):
    assert FLOWS.matcher.language(normalise(text)) == lang
