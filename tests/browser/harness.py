"""What the browser tests and the screenshot script share: the app served on 127.0.0.1, Chromium, the page.

The app runs in this process (werkzeug's server in a thread, on a free port, on the embedded store). Chromium
is /usr/bin/chromium (or $CHROMIUM): Playwright's own browser download cannot work here.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright
from werkzeug.serving import BaseWSGIServer, make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest keep it from calling Google's services on a closed network
# (where those calls hang). Playwright gives every launch a fresh, temporary user-data dir of its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-features=Translate"]
LOCALES = {"en": "en-US", "es": "es-MX"}
PHONE = {"width": 390, "height": 844}  # a common phone's CSS viewport
REPLY_TIMEOUT_MS = 10_000


@dataclass
class Server:
    """An app served in a background thread."""

    app: Flask
    port: int
    host: str = "127.0.0.1"
    _server: BaseWSGIServer | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:41234."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()


def serve(app: Flask, port: int, host: str = "127.0.0.1") -> Server:
    """Serve `app` on 127.0.0.1:`port` in a daemon thread (`host` is the name the browser uses for it)."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Server(app, port, host, server)


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_context(browser: Browser, lang: str = "en", **options) -> BrowserContext:
    """A fresh browser profile (no storage, no cookies) whose language is `lang`, phone-sized."""
    return browser.new_context(**{"locale": LOCALES[lang], "viewport": PHONE, **options})


class Chat:
    """The chat page as a visitor uses it: type a message, press Enter, read the reply."""

    def __init__(self, page: Page) -> None:
        """Wrap a tab that shows (or will show) the chat page."""
        self.page = page

    @property
    def log(self) -> Locator:
        """The conversation (role=log)."""
        return self.page.get_by_role("log")

    @property
    def box(self) -> Locator:
        """The message box, found by its visible label."""
        return self.page.locator("#message")

    def send(self, text: str) -> str:
        """Type `text`, press Enter, and return the reply's text exactly as the bot wrote it."""
        before = self.log.locator(".message").count()
        self.box.fill(text)
        self.box.press("Enter")
        self.log.locator(".message").nth(before + 1).wait_for(timeout=REPLY_TIMEOUT_MS)
        return self.last_reply()

    def last_reply(self) -> str:
        """The text of the last message in the log (the bot's reply, or a notice)."""
        return self.log.locator(".message .text").last.text_content() or ""

    def last_links(self) -> list[tuple[str, str]]:
        """(text, href) of every link in the last message."""
        links = self.log.locator(".message").last.locator("a")
        return [(links.nth(i).text_content() or "", links.nth(i).get_attribute("href") or "")
                for i in range(links.count())]
