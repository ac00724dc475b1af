"""Take the README's screenshots of the web chat: `.venv/bin/python -m tests.browser.screenshots [DIR]`.

Serves the app on a free port (embedded store), opens /chat in Debian's Chromium at a phone's size in English
and in Spanish, sends a first message, and saves docs/webchat-en.png and docs/webchat-es.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot import create_app
from tests.browser.harness import Chat, launch, new_context, serve
from tests.redis_server import free_port

DOCS = Path(__file__).resolve().parents[2] / "docs"
FIRST_MESSAGE = {"en": "hi", "es": "hola"}


def main(folder: Path = DOCS) -> list[Path]:
    """Save one screenshot per language in `folder` and return their paths."""
    port = free_port()
    server = serve(create_app({"HOTLINE_ENV": "development"}), port)
    saved = []
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for lang, first in FIRST_MESSAGE.items():
                context = new_context(browser, lang, device_scale_factor=2)
                page = context.new_page()
                page.goto(f"{server.url}/chat")
                Chat(page).send(first)
                page.evaluate("window.scrollTo(0, 0)")
                path = folder / f"webchat-{lang}.png"
                page.screenshot(path=str(path))
                saved.append(path)
                context.close()
            browser.close()
    finally:
        server.stop()
    return saved


if __name__ == "__main__":
    for written in main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS):
        print(written)
