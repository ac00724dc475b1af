"""Keyword folding and SMS segment counting."""

import gsm0338  # noqa: F401  (registers the codec the fast count is checked against)
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.text import contains_phrase, fill, gsm7_units, normalise, segments


@pytest.mark.parametrize(("raw", "folded"), [
    ("AYUDA", "ayuda"),
    ("¡Ayúda!", "ayuda"),
    ("  Menú  ", "menu"),
    ("I'm in  DANGER!!", "im in danger"),
    ("I\u2019m in danger", "im in danger"),
    ("año", "año"),             # ñ is a letter of its own
    ("AÑO", "año"),
    ("Inglés", "ingles"),
    ("Ｓｔｏｐ", "stop"),        # full-width letters
    ("12345-6789", "12345 6789"),
    ("stop\n", "stop"),
    ("🙂🙂", ""),
    ("", ""),
    # Invisible characters go before anything else: a NUL once turned "911" into "911ñ".
    ("911\x00", "911"),
    ("\x00911\x07", "911"),
    ("a\u200bb", "ab"),                # a zero-width space does not split a word
    ("\ufeffhola", "hola"),             # nor does a byte-order mark
    ("help\u200e", "help"),             # nor a direction mark
    ("line\nbreak\ttab", "line break tab"),
    ("Ñandú", "ñandu"),
    ("n\u0303o", "ño"),                  # ñ written as n + a combining tilde
    ("I`m", "im"),
    ("Iʼm", "im"),
])
def test_normalise_folds_case_accents_punctuation_and_spaces(raw, folded):
    assert normalise(raw) == folded


@pytest.mark.parametrize(("message", "phrase", "found"), [
    ("please stop texting me", "stop texting me", True),
    ("stop texting meow", "stop texting me", False),
    ("im in danger", "im in danger", True),
    ("911", "911", True),
    ("9111", "911", False),
])
def test_phrases_match_whole_words_only(message, phrase, found):
    assert contains_phrase(message, phrase) is found


@pytest.mark.parametrize(("body", "encoding", "count"), [
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("é ñ ü ¿ ¡ " * 10, "GSM-7", 1),     # Spanish letters inside GSM-7
    ("{" * 80, "GSM-7", 1),               # extension characters cost two septets
    ("{" * 81, "GSM-7", 2),
    ("á" * 70, "UCS-2", 1),               # á is not GSM-7
    ("á" * 71, "UCS-2", 2),
    ("a" * 200 + "í", "UCS-2", 3),        # one character turns the whole message UCS-2
    ("don\u2019t", "UCS-2", 1),           # a curly apostrophe too
    ("🙂" * 35, "UCS-2", 1),              # emoji are two UTF-16 units
    ("🙂" * 36, "UCS-2", 2),
])
def test_segments_are_counted_as_carriers_do(body, encoding, count):
    result = segments(body)
    assert (result.encoding, result.count) == (encoding, count)


@pytest.mark.parametrize(("template", "values", "text"), [
    ("Sorry. {hint}\nCall 911.", {"hint": "Reply 1."}, "Sorry. Reply 1.\nCall 911."),
    ("Sorry. {hint}\nCall 911.", {"hint": ""}, "Sorry.\nCall 911."),      # no stray space before the break
    ("Braces: {{ and }}", {}, "Braces: { and }"),
])
def test_fill_puts_values_in_their_placeholders(template, values, text):
    assert fill(template, **values) == text


def _codec_units(text: str) -> int | None:
    """The septets the gsm0338 codec itself counts (slow: a character at a time in Python)."""
    try:
        return len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def test_every_character_costs_what_the_gsm_codec_says():
    assert [gsm7_units(chr(c)) for c in range(0x3000)] == [_codec_units(chr(c)) for c in range(0x3000)]


@given(st.text(alphabet=st.characters(max_codepoint=0x3000) | st.sampled_from("€{}[]~|^\\ñÑáéíóúü¿¡😀\n\f"),
               max_size=700))
def test_any_text_costs_what_the_gsm_codec_says(text):
    assert gsm7_units(text) == _codec_units(text)
