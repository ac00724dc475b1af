"""The conversation flows: the model, and loading and checking it from the operators' YAML files."""

from bot.flow.loader import FlowError, Problem, check_flows, load_flows
from bot.flow.model import (
    LANGUAGES,
    PLACEHOLDERS,
    SYSTEM_NODES,
    Choice,
    Flows,
    Intent,
    Keywords,
    Localized,
    Node,
    Source,
)

__all__ = [
    "LANGUAGES",
    "PLACEHOLDERS",
    "SYSTEM_NODES",
    "Choice",
    "FlowError",
    "Flows",
    "Intent",
    "Keywords",
    "Localized",
    "Node",
    "Problem",
    "Source",
    "check_flows",
    "load_flows",
]
