"""The referral directory: local help by ZIP code, "City, ST" or state, nearest first (Open Referral HSDS).

    flows/directory/*.yaml|json ──► loader (checked, file:line) ──► Directory (indexes)
    texter's place ──► places.resolve ──► Query (kept in the conversation, no ZIP code)
    (Directory, Query, lang, now) ──► render.page (pure: search, then one SMS reply) ──► Page(text, next)
    HSDS 3.0 JSON / tabular CSV (+ 1.1, 2.0.1 names) ──► hsds import ──► flows/directory/NAME.json

For the engine: `load_directory`, `resolve`, `Query.at`, `page`, `Directory.need`, `Directory.asks_for_more`.
"""

from bot.referrals.directory import Directory
from bot.referrals.loader import directory_problems, load_directory
from bot.referrals.places import Place, resolve
from bot.referrals.render import Page, page
from bot.referrals.search import Query, Result, search

__all__ = ["Directory", "Page", "Place", "Query", "Result", "directory_problems", "load_directory", "page",
           "resolve", "search"]
