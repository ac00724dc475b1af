"""Every setting, declared once as data: name, default, help. The README table is checked against it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_FLOWS = Path(__file__).resolve().parent.parent / "flows"
HOUR, DAY = 3600, 86400


@dataclass(frozen=True)
class Setting:
    """One environment variable the app reads."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("HOTLINE_ENV", "production",
            "`production` or `development`. Production refuses to start without `TWILIO_AUTH_TOKEN` and "
            "`HOTLINE_PEPPER`; development runs unsigned and with a fixed pepper, and says so loudly."),
    Setting("TWILIO_AUTH_TOKEN", "", "Twilio auth token, used to check the `X-Twilio-Signature` of every webhook."),
    Setting("HOTLINE_PEPPER", "",
            "Secret key for the HMAC pseudonyms that replace phone numbers. Long and random; never stored in "
            "Redis. Changing it forgets every conversation."),
    Setting("HOTLINE_PUBLIC_URL", "",
            "Public base URL Twilio calls (e.g. `https://bot.example.org`). Set it behind a TLS-terminating proxy: "
            "signatures are checked against it + the request path instead of the URL Flask sees."),
    Setting("REDIS_URL", "",
            "Redis server for conversation state (e.g. `redis://localhost:6379/0`). Empty: an embedded "
            "in-process store that forgets everything when the process stops."),
    Setting("HOTLINE_REDIS_TIMEOUT", "0.5", "Seconds to wait for Redis (connect and each command) before replying with "
            "the static hotline message."),
    Setting("HOTLINE_FLOWS_DIR", str(REPO_FLOWS), "Folder of flow files (`*.yaml`) loaded at start-up."),
    Setting("HOTLINE_SESSION_TTL", str(HOUR),
            "Seconds a conversation is kept after its last message (sliding); after that it starts again at the "
            "welcome."),
    Setting("HOTLINE_OPTOUT_TTL", str(365 * DAY),
            "Seconds an opt-out (STOP) is remembered after the sender's last message."),
    Setting("HOTLINE_PROGRAM_NAME", "Trafficking Help Lines",
            "The program's name, which the HELP reply gives (short-code rules): at most 40 characters of the basic "
            "SMS alphabet (no á í ó ú or curly quotes)."),
    Setting("HOTLINE_DEDUPE_TTL", str(2 * DAY),
            "Seconds a Twilio `MessageSid` is remembered, so a retried webhook gets the same reply."),
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
