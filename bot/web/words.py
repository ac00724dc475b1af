"""The chat page's own words, in English and Spanish (the bot's replies come from the flows, not from here).

Every number here comes from shared/reference/hotline-facts.md (rows 1-3); tests/test_webchat.py checks it.
"""

from __future__ import annotations

from bot.flow.model import LANGUAGES

DEFAULT_LANGUAGE = "en"

# What the page's language button sends: the bot's own language keywords (flows/keywords.yaml), so the
# button and typing the word do the same thing.
SWITCH_MESSAGE = {"en": "ENGLISH", "es": "ESPAÑOL"}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Help chat",
        "intro": "An automated chat with help-line information about human trafficking, in English and "
                 "Spanish. Type a message to start: hi, HELP or your ZIP code.",
        "safety": "In danger now? Call 911. National Human Trafficking Hotline, 24/7, English and Spanish: "
                  "call 1-888-373-7888 or text 233733.",
        "conversation": "Conversation",
        "label": "Your message",
        "send": "Send",
        "quick_exit": "Quick exit",
        "quick_exit_hint": "Quick exit, or the Esc key, leaves this page at once and clears this chat.",
        "quick_exit_hint_no_script": "Quick exit leaves this page at once.",
        "privacy": "We keep no copy of your messages. This page keeps nothing on this device once you close the "
                   "tab or use Quick exit, except your browser history: a private window avoids that too.",
        "you": "You",
        "bot": "Bot",
        "switch": "Español",
        "no_reply": "No reply. If you sent STOP, send START to get replies again.",
        "error": "Your message could not be sent. Please try again.",
        "bad_request": "That message could not be read. Please type it again.",
    },
    "es": {
        "title": "Chat de ayuda",
        "intro": "Un chat automático con información de servicios de ayuda contra la trata de personas, en "
                 "español e inglés. Escribe un mensaje para empezar: hola, AYUDA o tu código postal (ZIP).",
        "safety": "¿Corres peligro ahora? Llama al 911. Línea Nacional contra la Trata de Personas, 24/7, en "
                  "español e inglés: llama al 1-888-373-7888 o manda un texto al 233733.",
        "conversation": "Conversación",
        "label": "Tu mensaje",
        "send": "Enviar",
        "quick_exit": "Salida rápida",
        "quick_exit_hint": "Salida rápida, o la tecla Esc, sale de esta página al instante y borra este chat.",
        "quick_exit_hint_no_script": "Salida rápida sale de esta página al instante.",
        "privacy": "No guardamos copia de tus mensajes. Esta página no deja nada en este dispositivo al cerrar "
                   "la pestaña o usar Salida rápida, salvo el historial del navegador: una ventana privada "
                   "también lo evita.",
        "you": "Tú",
        "bot": "Bot",
        "switch": "English",
        "no_reply": "Sin respuesta. Si mandaste PARAR o STOP, manda START para recibir respuestas otra vez.",
        "error": "No se pudo enviar tu mensaje. Inténtalo otra vez.",
        "bad_request": "No se pudo leer ese mensaje. Escríbelo otra vez.",
    },
}


def other(lang: str) -> str:
    """The language the page's button switches to."""
    return next(candidate for candidate in LANGUAGES if candidate != lang)
