"""Every setting, declared once as data: name, default, help. The README table is checked against it.

`problems()` says, one line each, what to set when a value is unsafe: production refuses to start on any of
them; development only refuses values that could never work (a timeout of 0, a negative TTL).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers

REPO_FLOWS = Path(__file__).resolve().parent.parent / "flows"
HOUR, DAY = 3600, 86400
DEVELOPMENT_PEPPER = "hotline-bot development pepper: not for production"
MIN_PEPPER_BYTES = 32  # a 256-bit key: pseudonyms cannot be reversed by trying every phone number
FLOWS_RELOAD_SECONDS = 2  # how often each worker looks for edited flow files (bot.reload): one stat() scan
REDIS_TIMEOUT_RANGE = (0.05, 2.0)  # seconds; two tries of each must stay far under Twilio's 15 s


@dataclass(frozen=True)
class Setting:
    """One environment variable the app reads."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("HOTLINE_ENV", "production",
            "`production` or `development`. Production refuses to start on unsafe settings (each refusal says "
            "what to set); development runs unsigned and with a fixed pepper, and says so loudly."),
    Setting("TWILIO_AUTH_TOKEN", "", "Twilio auth token, used to check the `X-Twilio-Signature` of every webhook."),
    Setting("HOTLINE_PEPPER", "",
            "Secret key for the HMAC pseudonyms that replace phone numbers: at least 32 random bytes, not the "
            "Twilio token. Never stored in Redis. Changing it forgets every conversation."),
    Setting("HOTLINE_PUBLIC_URL", "",
            "Public base URL Twilio calls (e.g. `https://bot.example.org`); required in production. Signatures are "
            "checked against it + the request path, never against the Host header."),
    Setting("REDIS_URL", "",
            "Redis server for conversation state (e.g. `rediss://redis.internal:6380/0`); required in production. "
            "Empty (development only): an embedded in-process store that forgets everything when the process stops."),
    Setting("HOTLINE_REDIS_MODE", "auto",
            "`auto`, `standalone` or `cluster`. `cluster` speaks Redis Cluster (`REDIS_URL` may name any node); "
            "`auto` asks the server at start-up, and uses it as a single server if it cannot be asked then."),
    Setting("HOTLINE_REDIS_TIMEOUT", "0.5", "Seconds to wait for Redis (connect and each command, 0.05 to 2) before "
            "replying without it."),
    Setting("HOTLINE_SPOOL_DIR", "spool",
            "Folder for opt-outs and erasures that Redis could not take, kept until it can (shared by the workers "
            "of one machine; keep it on a persistent disk)."),
    Setting("HOTLINE_FLOWS_DIR", str(REPO_FLOWS),
            f"Folder of flow files (`*.yaml`) and the referral directory. Edits are served within "
            f"{FLOWS_RELOAD_SECONDS} seconds, without a restart; a broken edit is refused (logged with file and line) "
            "and the previous flows keep serving."),
    Setting("HOTLINE_SESSION_TTL", str(HOUR),
            "Seconds a conversation is kept after its last message (sliding); after that it starts again at the "
            "welcome."),
    Setting("HOTLINE_OPTOUT_TTL", str(365 * DAY),
            "Seconds an opt-out (STOP) is remembered after the sender's last message."),
    Setting("HOTLINE_PROGRAM_NAME", "Trafficking Help Lines",
            "The program's name, which the HELP reply gives (short-code rules): at most 40 characters of the basic "
            "SMS alphabet (no á í ó ú or curly quotes)."),
    Setting("HOTLINE_RATE_PER_MINUTE", "20",
            "Messages one sender may send in a minute; past that they get one notice, then no replies for "
            "`HOTLINE_RATE_PAUSE` seconds (emergency, suicide, HELP, STOP, START and DELETE are always answered)."),
    Setting("HOTLINE_RATE_PAUSE", "600", "Seconds replies pause for a sender who went over the rate limit."),
    Setting("HOTLINE_ALLOWED_COUNTRIES", "US,PR,VI,GU,AS,MP",
            "Countries (ISO codes) whose phone numbers get replies; messages from others are still recorded "
            "(STOP works) but never answered, so nobody can make the bot text premium numbers abroad."),
    Setting("HOTLINE_CHAT_EMBED_ORIGINS", "",
            "Sites allowed to show the web chat (`/chat`) in an `<iframe>`: origins separated by spaces, e.g. "
            "`https://www.example.org https://*.example.net`. Empty: no site may frame it."),
    Setting("HOTLINE_CHAT_EXIT_URL", "https://www.google.com/",
            "Where the web chat's Quick exit button and Escape key send the visitor: a neutral site."),
)


def read(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The value of every setting from `environ` (default: the process environment), defaults filled in."""
    env = os.environ if environ is None else environ
    return {s.name: env.get(s.name, s.default) for s in SETTINGS}


def problems(values: Mapping[str, str]) -> list[str]:
    """What is wrong with `values` (from `read`), one line each, saying what to set."""
    production = values["HOTLINE_ENV"] == "production"
    found = []
    if values["HOTLINE_ENV"] not in ("production", "development"):
        found.append(f"HOTLINE_ENV must be production or development, not {values['HOTLINE_ENV']!r}")
    found += _numbers(values)
    if values["HOTLINE_REDIS_MODE"] not in ("auto", "standalone", "cluster"):
        found.append(f"set HOTLINE_REDIS_MODE to auto, standalone or cluster (it is {values['HOTLINE_REDIS_MODE']!r})")
    countries = [c.strip().upper() for c in values["HOTLINE_ALLOWED_COUNTRIES"].split(",") if c.strip()]
    unknown = [c for c in countries if c not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        found.append(f"HOTLINE_ALLOWED_COUNTRIES: {', '.join(unknown)} are not ISO country codes; write them like "
                     "US,PR,VI,GU,AS,MP")
    if not production:
        return found
    token, pepper = values["TWILIO_AUTH_TOKEN"], values["HOTLINE_PEPPER"]
    if not token:
        found.append("set TWILIO_AUTH_TOKEN to the Twilio account's auth token (every webhook's signature is checked)")
    if len(pepper.encode()) < MIN_PEPPER_BYTES or pepper in (token, DEVELOPMENT_PEPPER):
        found.append(f"set HOTLINE_PEPPER to at least {MIN_PEPPER_BYTES} random bytes, not the Twilio token: "
                     "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
    if not values["REDIS_URL"]:
        found.append("set REDIS_URL (e.g. rediss://redis.internal:6380/0): without it each worker keeps its own "
                     "conversations, and an opt-out reaches only one of them")
    url = urlsplit(values["HOTLINE_PUBLIC_URL"])
    secure = url.scheme == "https" or (url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost"))
    if not secure or not url.netloc or url.path not in ("", "/") or url.query:
        found.append("set HOTLINE_PUBLIC_URL to the https:// base URL Twilio calls (e.g. https://bot.example.org): "
                     "signatures are checked against it, never against the Host header")
    return found


def _numbers(values: Mapping[str, str]) -> list[str]:
    """Numeric settings that are not numbers, or out of their range."""
    found = []
    low, high = REDIS_TIMEOUT_RANGE
    try:
        timeout = float(values["HOTLINE_REDIS_TIMEOUT"])
    except ValueError:
        timeout = math.nan
    if not low <= timeout <= high:  # also refuses nan and inf
        found.append(f"set HOTLINE_REDIS_TIMEOUT to a number of seconds from {low} to {high} (e.g. 0.5)")
    for name, least in (("HOTLINE_SESSION_TTL", 60), ("HOTLINE_OPTOUT_TTL", DAY), ("HOTLINE_RATE_PER_MINUTE", 1),
                        ("HOTLINE_RATE_PAUSE", 0)):
        raw = values[name]
        if not raw.isdigit() or int(raw) < least:
            found.append(f"set {name} to a whole number of at least {least} (it is {raw!r})")
    return found
