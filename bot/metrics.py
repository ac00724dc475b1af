"""What operators can watch (/metrics, Prometheus): counts by channel, node, language and outcome.

No label ever names a person: no number, pseudonym, message or place. Under gunicorn, set
PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py does) so every worker's counts are added up.
"""

from __future__ import annotations

import os
from functools import lru_cache

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

MESSAGES = Counter("hotline_messages", "Messages received, by channel", ["channel"])
REPLIES = Counter("hotline_replies", "Replies sent, by the node said and the language", ["node", "lang"])
SEGMENTS = Counter("hotline_reply_segments", "SMS segments the replies cost, by channel", ["channel"])
FALLBACKS = Counter("hotline_static_fallbacks", "Static hotline replies sent because something failed",
                    ["reason"])
REDIS_ERRORS = Counter("hotline_redis_errors", "Conversations the store could not load or save")
SPOOLED = Counter("hotline_spooled", "Opt-outs, opt-ins and erasures kept on disk while Redis was away",
                  ["action"])
UNREPLICATED = Counter("hotline_opt_changes_unreplicated",
                       "Opt-outs, opt-ins and erasures saved that no replica confirmed in time")
SPOOL_APPLIED = Counter("hotline_spool_applied", "Spooled requests applied once Redis was back")
RATE_LIMITED = Counter("hotline_rate_limited", "Messages held back by the per-sender rate limit")
SUPPRESSED = Counter("hotline_replies_suppressed", "Replies not sent because the sender's country is not allowed")
SIGNATURE_FAILURES = Counter("hotline_signature_failures", "Webhook requests refused: bad or missing signature")
STATUS_CALLBACKS = Counter("hotline_status_callbacks", "Twilio message status callbacks, by status", ["status"])


@lru_cache(maxsize=4096)
def child(metric: Counter, *values: str) -> Counter:
    """`metric.labels(*values)`, looked up once: `labels` takes a lock and checks its arguments on every call, and
    each message counts three or four. Label values are a closed set (channels, nodes × languages)."""
    return metric.labels(*values)


blueprint = Blueprint("metrics", __name__)


@blueprint.get("/metrics")
def metrics() -> Response:
    """Every counter, in the Prometheus text format (added up over gunicorn's workers)."""
    registry = DEFAULT_REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
