"""GET /healthz: 200 when the flows loaded and the store answers, else 503 (for the load balancer)."""

from __future__ import annotations

from flask import Blueprint, current_app

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, bool], int]:
    """Report whether this instance can hold a conversation."""
    hotline = current_app.extensions["hotline"]
    try:
        store_ok = bool(hotline.store.ping())
    except Exception:
        store_ok = False
    flows_ok = hotline.flows is not None
    return {"flows": flows_ok, "store": store_ok}, 200 if flows_ok and store_ok else 503
