"""hotline-bot: help-line information about human trafficking by SMS, in English and Spanish.

`create_app()` assembles the Flask app: settings from the environment (unsafe production settings are
refused, each with what to set), flows loaded and reloaded when their files change (`bot.reload`), the
conversation store, and one blueprint per channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from bot import logs
from bot import settings as settings_module
from bot.hotline import Hotline

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 64 * 1024


class ConfigError(RuntimeError):
    """The settings are unsafe; the message says, one line each, what to set."""


def create_app(config: Mapping[str, str] | None = None) -> Flask:
    """Build the app from `config` (setting name -> value; default: the process environment)."""
    logs.install()
    settings = settings_module.read(config)
    development = _check(settings)
    app = Flask(__name__)
    app.config.update(
        # Twilio bodies are at most 1600 characters plus a few dozen fields: anything far larger is not
        # Twilio, and gets a 413 before it is read.
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        HOTLINE_DEVELOPMENT=development,
        TWILIO_AUTH_TOKEN=settings["TWILIO_AUTH_TOKEN"],
        HOTLINE_PUBLIC_URL=settings["HOTLINE_PUBLIC_URL"].rstrip("/"),
    )
    from bot.reload import Reloader

    reloader = Reloader(Path(settings["HOTLINE_FLOWS_DIR"]))  # before the flows load: an edit meanwhile counts
    app.extensions["hotline"] = build_hotline(settings)
    # Every request first picks up edited flow files (at most one stat() scan every few seconds). As WSGI
    # middleware, not a before_request hook: Flask's hook dispatch costs more per request than the check itself.
    app.extensions["flows_reloader"] = reloader.attach(app.extensions["hotline"])
    app.wsgi_app = _checking_first(reloader.check, app.wsgi_app)  # type: ignore[method-assign]

    from bot import metrics
    from bot.channels import health, status, twilio_sms, webchat

    app.register_blueprint(twilio_sms.blueprint)
    app.register_blueprint(status.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(metrics.blueprint)
    webchat.init_app(app, settings)
    return app


def _checking_first(check: Callable[[], None], wsgi_app: WSGIApplication) -> WSGIApplication:
    """`wsgi_app`, calling `check` before each request."""
    def checked(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        check()
        return wsgi_app(environ, start_response)
    return checked


def build_hotline(settings: Mapping[str, str]) -> Hotline:
    """The service every channel uses: flows, store, pepper, spool and the engine's options."""
    from bot import store
    from bot.engine import Options
    from bot.flow import check_flows
    from bot.flow.checks import PROGRAM_NAME_MAX
    from bot.spool import Spool
    from bot.text import gsm7_units

    flows, problems = check_flows(Path(settings["HOTLINE_FLOWS_DIR"]))
    if flows is None:
        # Keep answering: every texter gets the static hotline reply until the flows are fixed.
        log.error("flow files are broken; answering with the static hotline reply:\n%s",
                  "\n".join(map(str, problems)))
    elif problems:
        # One line, not one per warning: the shipped flows carry a few (3-segment replies, kept on purpose),
        # and a wall of them at every start would hide the line that matters.
        log.info("flow files loaded with %d warning(s); `hotline-bot flows check` lists them", len(problems))
    url, timeout = settings["REDIS_URL"], float(settings["HOTLINE_REDIS_TIMEOUT"])
    client = store.connect(url, timeout, settings["HOTLINE_REDIS_MODE"]) if url else store.embedded()
    session_ttl = int(settings["HOTLINE_SESSION_TTL"])
    program = settings["HOTLINE_PROGRAM_NAME"].strip()
    if not program or len(program) > PROGRAM_NAME_MAX or gsm7_units(program) is None:
        raise ConfigError(f"HOTLINE_PROGRAM_NAME must be 1 to {PROGRAM_NAME_MAX} characters of the basic SMS "
                          "alphabet (no á í ó ú or curly quotes), so the HELP reply fits; set a shorter name")
    return Hotline(
        flows=flows,
        # Half the per-command timeout for a replica to confirm an opt-out: the WAIT must end before the socket
        # gives up on it. The embedded store has no replica to wait for.
        store=store.RedisStore(client, session_ttl, int(settings["HOTLINE_OPTOUT_TTL"]),
                               replica_wait=timeout / 2 if url else 0.0),
        pepper=(settings["HOTLINE_PEPPER"] or settings_module.DEVELOPMENT_PEPPER).encode(),
        options=Options(idle_timeout=session_ttl, program=program,
                        per_minute=int(settings["HOTLINE_RATE_PER_MINUTE"]),
                        pause=int(settings["HOTLINE_RATE_PAUSE"])),
        # The embedded store cannot fail the way a server does, and forgets everything anyway: no spool.
        spool=Spool(Path(settings["HOTLINE_SPOOL_DIR"])) if url else None,
        countries=frozenset(c.strip().upper() for c in settings["HOTLINE_ALLOWED_COUNTRIES"].split(",")
                            if c.strip()),
    )


def _check(settings: Mapping[str, str]) -> bool:
    """Refuse unsafe settings (all of them, one line each); warn loudly in development. True in development."""
    problems = settings_module.problems(settings)
    if problems:
        raise ConfigError("refusing to start:\n" + "\n".join(f"- {p}" for p in problems))
    if settings["HOTLINE_ENV"] == "production":
        return False
    if not settings["TWILIO_AUTH_TOKEN"]:
        log.warning("DEVELOPMENT MODE: Twilio signatures are NOT checked; never expose this server")
    if not settings["HOTLINE_PEPPER"]:
        log.warning("DEVELOPMENT MODE: using a fixed, public pepper for pseudonyms")
    return True
