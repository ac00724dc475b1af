"""The static reply sent when anything fails (Redis down, a broken flow file, a bug), and the fallback file.

STATIC_REPLY depends on nothing but this constant, so it can always be sent. Numbers from
shared/reference/hotline-facts.md rows 1-3. Kept GSM-7 (no á í ó ú) so it costs 3 segments.
`twiml()` builds deploy/fallback.xml from the flows (`hotline-bot fallback`), for when the app is unreachable.
"""

from __future__ import annotations

from bot.flow.model import LANGUAGES, Flows

STATIC_REPLY = (
    "If you are in danger, call 911. Human trafficking hotline, 24/7: call 1-888-373-7888 or text 233733.\n"
    "Si corres peligro, llama al 911. Trata de personas, 24 horas: llama al 1-888-373-7888 o manda un texto al 233733."
)


def twiml(flows: Flows) -> str:
    """The TwiML for Twilio's Fallback URL (a static file hosted elsewhere, used when this app cannot answer):
    the flows' emergency reply, in English then Spanish, as one message."""
    from xml.sax.saxutils import escape

    text = "\n\n".join(flows.node("emergency").say.get(lang) for lang in LANGUAGES)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Message>{escape(text)}</Message></Response>\n'
