"""hotline-bot: help-line information about human trafficking by SMS, in English and Spanish.

`create_app()` assembles the Flask app: settings from the environment, flows loaded once,
the conversation store, and one blueprint per channel.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from bot import places
from bot import settings as settings_module
from bot.hotline import Hotline

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 64 * 1024
DEVELOPMENT_PEPPER = b"hotline-bot development pepper: not for production"


class ConfigError(RuntimeError):
    """The settings are unsafe for production; the message says which to set."""


def create_app(config: Mapping[str, str] | None = None) -> Flask:
    """Build the app from `config` (setting name -> value; default: the process environment)."""
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
    app.extensions["hotline"] = build_hotline(settings)
    places.warm()

    from bot.channels import health, twilio_sms, webchat

    app.register_blueprint(twilio_sms.blueprint)
    app.register_blueprint(health.blueprint)
    webchat.init_app(app, settings)
    return app


def build_hotline(settings: Mapping[str, str]) -> Hotline:
    """The service every channel uses: flows, store, pepper, idle timeout."""
    from bot import store
    from bot.flow import FlowError, load_flows
    from bot.flow.checks import PROGRAM_NAME_MAX
    from bot.text import gsm7_units

    try:
        flows = load_flows(Path(settings["HOTLINE_FLOWS_DIR"]))
    except FlowError as error:
        # Keep answering: every texter gets the static hotline reply until the flows are fixed.
        log.error("flow files are broken; answering with the static hotline reply:\n%s", error)
        flows = None
    url, timeout = settings["REDIS_URL"], float(settings["HOTLINE_REDIS_TIMEOUT"])
    client = store.connect(url, timeout) if url else store.embedded()
    session_ttl = int(settings["HOTLINE_SESSION_TTL"])
    program = settings["HOTLINE_PROGRAM_NAME"].strip()
    if not program or len(program) > PROGRAM_NAME_MAX or gsm7_units(program) is None:
        raise ConfigError(f"HOTLINE_PROGRAM_NAME must be 1 to {PROGRAM_NAME_MAX} characters of the basic SMS "
                          "alphabet (no á í ó ú or curly quotes), so the HELP reply fits; set a shorter name")
    return Hotline(
        flows=flows,
        store=store.RedisStore(client, session_ttl, int(settings["HOTLINE_OPTOUT_TTL"]),
                               int(settings["HOTLINE_DEDUPE_TTL"])),
        pepper=settings["HOTLINE_PEPPER"].encode() or DEVELOPMENT_PEPPER,
        idle_timeout=session_ttl,
        program=program,
    )


def _check(settings: Mapping[str, str]) -> bool:
    """Refuse unsafe production settings; warn loudly in development. True when in development."""
    env = settings["HOTLINE_ENV"]
    if env not in ("production", "development"):
        raise ConfigError(f"HOTLINE_ENV must be 'production' or 'development', not {env!r}")
    if env == "production":
        missing = [name for name in ("TWILIO_AUTH_TOKEN", "HOTLINE_PEPPER") if not settings[name]]
        if missing:
            raise ConfigError(f"production needs {' and '.join(missing)} (or set HOTLINE_ENV=development to try it)")
        if not settings["REDIS_URL"]:
            log.warning("REDIS_URL is not set: each process keeps its own in-memory conversations")
        return False
    if not settings["TWILIO_AUTH_TOKEN"]:
        log.warning("DEVELOPMENT MODE: Twilio signatures are NOT checked; never expose this server")
    if not settings["HOTLINE_PEPPER"]:
        log.warning("DEVELOPMENT MODE: using a fixed, public pepper for pseudonyms")
    return True
