"""GET /healthz: 200 when the flows loaded and Redis takes a write, else 503 (for the load balancer).

A ping is not enough: an out-of-memory or read-only Redis answers PING but takes no conversation. Each check
also applies what the spool holds once Redis is back, so a spooled opt-out does not wait for the next message.
It reports the version of the flows this worker serves (`bot.reload`), and the newest broken version it refused,
so a deploy can wait until every worker serves the same one.
"""

from __future__ import annotations

import os

from flask import Blueprint, current_app

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    """Report whether this instance can hold a conversation, how many requests wait in the spool, and which
    version of the flows it serves."""
    hotline = current_app.extensions["hotline"]
    try:
        store_ok = bool(hotline.store.ping())
        hotline.apply_spool()
    except Exception:
        store_ok = False
    flows_ok = hotline.flows is not None
    spooled = len(hotline.spool.pending()) if hotline.spool is not None else 0
    body: dict[str, object] = {"flows": flows_ok, "store": store_ok, "spooled": spooled}
    reloader = current_app.extensions.get("flows_reloader")
    if reloader is not None:
        body["flows_version"] = reloader.served  # None: the static hotline reply
        body["flows_refused"] = reloader.refused
        body["worker"] = os.getpid()  # which process answered: versions differ between workers for a moment
    return body, 200 if flows_ok and store_ok else 503
