"""The referral directory: local help by ZIP code, "City, ST" or state, nearest first (Open Referral HSDS).

    flows/directory/*.yaml|json ──► loader (checked, file:line) ──► Directory (indexes)
    texter's place ──► places.resolve ──► Query (kept in the conversation, no ZIP code)
    (Directory, Query, lang, now) ──► render.page (pure: search, then one SMS reply) ──► Page(text, next)
    HSDS 3.0 JSON / tabular CSV (+ 1.1, 2.0.1 names) ──► hsds import ──► flows/directory/NAME.json

For the engine: `load_directory`, `resolve`, `Query.at`, `page`, `Directory.need`, `Directory.asks_for_more`.
"""

from importlib import import_module

# Exported lazily: bot.places (imported by the flow checks) uses bot.referrals.places, and the flow
# package is imported by this package's model, so importing everything here would be circular.
_EXPORTS = {
    "Directory": "directory", "Page": "render", "page": "render", "Place": "places", "resolve": "places",
    "Query": "search", "Result": "search", "search": "search", "directory_problems": "loader",
    "load_directory": "loader",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    """The public names, imported from their modules on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bot.referrals' has no attribute {name!r}")
    return getattr(import_module(f"bot.referrals.{_EXPORTS[name]}"), name)
