"""GET /healthz: 200 when the flows loaded and Redis takes a write, else 503 (for the load balancer).

A ping is not enough: an out-of-memory or read-only Redis answers PING but takes no conversation. Each check
also applies what the spool holds once Redis is back, so a spooled opt-out does not wait for the next message.
"""

from __future__ import annotations

from flask import Blueprint, current_app

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    """Report whether this instance can hold a conversation, and how many requests wait in the spool."""
    hotline = current_app.extensions["hotline"]
    try:
        store_ok = bool(hotline.store.ping())
        hotline.apply_spool()
    except Exception:
        store_ok = False
    flows_ok = hotline.flows is not None
    spooled = len(hotline.spool.pending()) if hotline.spool is not None else 0
    body = {"flows": flows_ok, "store": store_ok, "spooled": spooled}
    return body, 200 if flows_ok and store_ok else 503
