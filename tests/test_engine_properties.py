"""Properties of the engine on the shipped flows: any text, in any state, gives a valid answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import step
from bot.flow import load_flows
from bot.settings import REPO_FLOWS
from bot.state import State

FLOWS = load_flows(REPO_FLOWS)
NOW = 1_800_000_000

states = st.builds(
    State,
    node=st.one_of(st.none(), st.sampled_from([*sorted(FLOWS.nodes), "a_node_since_removed"])),
    lang=st.one_of(st.none(), st.sampled_from(["en", "es", "fr"])),  # state written by another version
    opted_out=st.booleans(),
    last_seen=st.integers(min_value=0, max_value=NOW),
)
keywordish = st.sampled_from(["911", "help", "AYUDA", "stop", "START", "menu", "0", "1", "8", "90210", "00000",
                              "Español", "english", "delete", "hola", "¡Ayúda!", "I'm in danger"])
texts = st.one_of(st.text(max_size=2000), keywordish, st.builds(lambda a, b: f"{a} {b}", keywordish, st.text()))


@settings(max_examples=400, deadline=None)
@given(state=states, text=texts)
def test_any_text_in_any_state_gives_at_most_one_valid_reply(state, text):
    outcome = step(FLOWS, state, text, NOW)
    assert len(outcome.replies) <= 1
    for reply in outcome.replies:
        assert 0 < len(reply) <= 1600
    if outcome.state is not None:
        assert outcome.state.node is None or outcome.state.node in FLOWS.nodes
        assert outcome.state.lang in ("en", "es")
        assert outcome.state.last_seen == NOW


@settings(max_examples=200, deadline=None)
@given(state=states, text=st.text(max_size=300))
def test_opted_out_texters_only_hear_back_when_they_ask_for_help_or_come_back(state, text):
    opted_out = State(node=state.node or FLOWS.start, lang=state.lang, opted_out=True, last_seen=NOW - 5)
    outcome = step(FLOWS, opted_out, text, NOW)
    if outcome.replies and outcome.state is not None and outcome.state.opted_out:
        assert "911" in outcome.replies[0]  # only HELP or emergency replies reach an opted-out texter
