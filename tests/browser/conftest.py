"""Fixtures for the browser tests: the app served on 127.0.0.1, an embedding site, Debian's Chromium.

A missing Chromium fails these tests rather than skipping them (CI installs it: apt-get install chromium).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from bot import create_app
from tests.browser.harness import CHROMIUM, Server, launch, new_context, serve
from tests.redis_server import free_port

NEUTRAL_PATH, BEFORE_PATH, EMBED_PATH = "/test/neutral", "/test/before", "/test/embed"
SANDBOXED_EMBED_PATH = "/test/embed-sandboxed"  # an iframe that may not navigate the page around it
UNLISTED_EMBED_PATH = "/test/unlisted-embed"  # served by the chat's own origin, which the setting does not list


def pytest_configure(config: pytest.Config) -> None:
    """Register the `browser` marker (the suite runs with --strict-markers)."""
    config.addinivalue_line("markers", "browser: drives the web chat in Debian's Chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m 'not browser'` runs the rest quickly."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def html_page(title: str, body: str = "") -> str:
    """A minimal page of another site."""
    return (f"<!doctype html><html lang='en'><head><title>{title}</title></head>"
            f"<body><main><h1>{title}</h1>{body}</main></body></html>")


@pytest.fixture(scope="session")
def embedder_port() -> int:
    """The port of the site that embeds the chat (named localhost: another origin than 127.0.0.1)."""
    return free_port()


@pytest.fixture(scope="session")
def chat_server(embedder_port: int) -> Iterator[Server]:
    """The app in development on the embedded store, plus a neutral page to exit to and a page to come from."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app({"HOTLINE_ENV": "development", "HOTLINE_CHAT_EXIT_URL": base + NEUTRAL_PATH,
                      "HOTLINE_CHAT_EMBED_ORIGINS": f"http://localhost:{embedder_port}"})
    app.add_url_rule(NEUTRAL_PATH, "test_neutral", lambda: html_page("Neutral"))
    app.add_url_rule(BEFORE_PATH, "test_before", lambda: html_page("Before", f"<a href='{base}/chat'>chat</a>"))
    app.add_url_rule(UNLISTED_EMBED_PATH, "test_unlisted_embed",
                     lambda: html_page("Not listed", f"<iframe src='{base}/chat' title='chat'></iframe>"))
    server = serve(app, port)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def embedder(chat_server: Server, embedder_port: int) -> Iterator[Server]:
    """A non-profit's page that frames the chat, on an origin HOTLINE_CHAT_EMBED_ORIGINS lists."""
    app = Flask("embedder")
    frame = "<iframe {}src='" + chat_server.url + "/chat' title='Help chat' style='width:100%;height:40rem'></iframe>"
    app.add_url_rule(EMBED_PATH, "embed", lambda: html_page("Our site", frame.format("")))
    sandbox = "sandbox='allow-scripts allow-same-origin allow-forms' "
    app.add_url_rule(SANDBOXED_EMBED_PATH, "sandboxed", lambda: html_page("Our site", frame.format(sandbox)))
    server = serve(app, embedder_port, host="localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver for the whole session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; a missing binary is a failure that says how to install it."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}. The browser tests need Debian's chromium "
                    "(apt-get install chromium) or $CHROMIUM naming a Chromium binary.", pytrace=False)
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh English-speaking profile."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab in the fresh English-speaking profile."""
    return context.new_page()
