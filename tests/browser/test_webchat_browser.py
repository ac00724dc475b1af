"""The web chat as a visitor meets it, in Debian's Chromium: first contact in English and Spanish, a walk of
the menu, HELP, 911, a ZIP code, Quick exit, keyboard only, a phone's screen, the page without JavaScript,
framing by a listed site, and axe-core's scan (WCAG 2.2 AA: no violation).

Replies are compared with what the same messages get from the same bot over SMS (a `Hotline` on its own
store, as the Twilio webhook calls it), so these tests follow the flows when their wording changes.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from bot.referrals.places import by_zip
from bot.state import NEW, State
from bot.web.words import WORDS
from tests.browser.conftest import (
    BEFORE_PATH,
    EMBED_PATH,
    NEUTRAL_PATH,
    SANDBOXED_EMBED_PATH,
    UNLISTED_EMBED_PATH,
)
from tests.browser.harness import Chat, Server, new_context
from tests.conftest import new_hotline

HOTLINE_FACTS = ("911", "1-888-373-7888", "233733")  # hotline-facts.md rows 1-3
HOTLINE_LINKS = {("911", "tel:911"), ("1-888-373-7888", "tel:+18883737888"), ("233733", "sms:233733")}
FIRST = {"en": "hi", "es": "hola"}
TOKEN_KEY = "hotline-chat-token"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
_senders = itertools.count(1)


class Reference:
    """The same bot over SMS: what a texter sending the same messages gets back."""

    def __init__(self, lang: str | None = None) -> None:
        """A new texter; `lang` is the page's language, which a new web conversation starts in."""
        self.hotline = new_hotline()
        self.sender = f"+1555010{next(_senders):04d}"
        self.initial = State(lang=lang) if lang else NEW
        self.count = 0

    def answer(self, text: str) -> str | None:
        """The reply to `text`, the next message in this conversation."""
        self.count += 1
        return self.hotline.answer(self.sender, f"SM{self.count}", text, int(time.time()), self.initial)


def open_chat(page: Page, server: Server, query: str = "") -> Chat:
    """Open /chat and wait for its script to have started (the token is in sessionStorage)."""
    page.goto(f"{server.url}/chat{query}")
    page.wait_for_function(f"() => sessionStorage.getItem('{TOKEN_KEY}') !== null")
    return Chat(page)


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.0-2.2 A/AA and best-practice violations on the page, one line each."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_first_contact(browser: Browser, chat_server: Server, lang: str) -> None:
    """A browser in English or Spanish gets the page in that language, and its first message the welcome,
    with 911 and the hotline as links."""
    context = new_context(browser, lang)
    page = context.new_page()
    chat = open_chat(page, chat_server)
    words = WORDS[lang]
    assert page.locator("html").get_attribute("lang") == lang
    assert page.get_by_label(words["label"]).is_visible()
    assert page.get_by_role("button", name=words["quick_exit"]).is_visible()
    assert page.get_by_role("log").count() == 1
    assert "Esc" in page.locator(".hint").inner_text(), "with the script the Escape key is offered"
    reply = chat.send(FIRST[lang])
    assert reply == Reference(lang).answer(FIRST[lang])
    assert all(fact in reply for fact in HOTLINE_FACTS)
    assert set(chat.last_links()) >= HOTLINE_LINKS
    context.close()


def test_a_walk_through_the_menu_gets_the_sms_replies(page: Page, chat_server: Server) -> None:
    """Every item of the main menu and back: the very replies an SMS texter gets."""
    chat, reference = open_chat(page, chat_server), Reference("en")
    menu = reference.hotline.flows.node(reference.hotline.flows.start)
    messages = [FIRST["en"]] + [m for choice in menu.choices for m in (choice.digit, "0")]
    assert len(messages) > 2
    for message in messages:
        assert chat.send(message) == reference.answer(message), message
        shown = page.get_by_role("log").locator(".message .text").last.inner_text()
        assert shown.splitlines() == chat.last_reply().splitlines(), "the reply keeps its line breaks on screen"


@pytest.mark.parametrize(("message", "first_link"), [("HELP", "tel:911"), ("911", "tel:911")])
def test_help_and_911_from_the_middle_of_the_menu(page: Page, chat_server: Server, message: str,
                                                   first_link: str) -> None:
    """HELP and 911 are answered from anywhere with 911 first, as a link to call."""
    chat, reference = open_chat(page, chat_server), Reference("en")
    for text in ("hi", "3"):
        assert chat.send(text) == reference.answer(text)
    reply = chat.send(message)
    assert reply == reference.answer(message)
    assert all(fact in reply for fact in ("911", "1-888-373-7888"))
    assert chat.last_links()[0][1] == first_link


@pytest.mark.parametrize(("lang", "zip_code"), [("en", "90210"), ("es", "00901")])
def test_a_zip_code(browser: Browser, chat_server: Server, lang: str, zip_code: str) -> None:
    """A ZIP code gets local help naming its place, with 911 and the hotline, in the page's language."""
    context = new_context(browser, lang)
    chat, reference = open_chat(context.new_page(), chat_server), Reference(lang)
    reply = chat.send(zip_code)
    assert reply == reference.answer(zip_code)
    assert by_zip(zip_code).label in reply
    assert "911" in reply
    assert "1-888-373-7888" in reply
    context.close()


@pytest.mark.parametrize("how", ["click", "Enter on the button", "Escape while typing"])
def test_quick_exit(page: Page, chat_server: Server, how: str) -> None:
    """Quick exit empties the page and the tab's storage and replaces the page: Back does not return to it."""
    before, neutral = chat_server.url + BEFORE_PATH, chat_server.url + NEUTRAL_PATH
    page.goto(before)
    page.get_by_role("link", name="chat").click()
    chat = Chat(page)
    page.wait_for_function(f"() => sessionStorage.getItem('{TOKEN_KEY}') !== null")
    chat.send("hi")
    if how == "click":
        page.get_by_role("button", name=WORDS["en"]["quick_exit"]).click()
    elif how == "Enter on the button":
        page.get_by_role("button", name=WORDS["en"]["quick_exit"]).focus()
        page.keyboard.press("Enter")
    else:
        chat.box.fill("someone is")
        chat.box.press("Escape")
    page.wait_for_url(neutral)
    assert page.evaluate("() => sessionStorage.length") == 0
    page.go_back()
    assert page.url == before, "Back must not return to the chat"
    assert page.evaluate("() => sessionStorage.length") == 0, "nothing of the chat left in this tab"
    page.go_forward()
    assert page.url == neutral


def test_keyboard_only(page: Page, chat_server: Server) -> None:
    """Tab reaches Quick exit first, then the language button, then the message box and Send; Enter and
    Space send; every focused control shows where the focus is."""
    chat, reference = open_chat(page, chat_server), Reference("en")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "quick-exit"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "switch"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "message":
            break
    assert page.evaluate("() => document.activeElement.id") == "message"
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    page.get_by_role("log").locator(".from-bot").first.wait_for()
    assert chat.last_reply() == reference.answer("hi")
    assert page.evaluate("() => document.activeElement.id") == "message", "focus stays in the box"
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "send"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused button shows its focus"
    page.keyboard.press("Space")
    page.get_by_role("log").locator(".from-bot").nth(1).wait_for()
    assert chat.last_reply() == reference.answer("3")


def test_focus_is_never_hidden_behind_the_sticky_bars(browser: Browser, chat_server: Server) -> None:
    """WCAG 2.4.11: tabbing through a long conversation on a small screen, every focused control is on screen
    and not covered by the bar at the top or the message box at the bottom."""
    context = new_context(browser, "en", viewport={"width": 360, "height": 560})
    page = context.new_page()
    chat = open_chat(page, chat_server)
    for message in ("hi", "7", "8", "5", "2"):
        chat.send(message)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    focusables = page.locator("a[href], button, input:not([type=hidden])").count()
    assert focusables > 20
    reached = 0
    for _ in range(focusables + 2):
        page.keyboard.press("Shift+Tab")
        hidden, reached = page.evaluate("""() => {
            const element = document.activeElement;
            window.reached = window.reached || new Set();
            if (element === document.body) return [null, window.reached.size];  // before the first control
            window.reached.add(element);
            const box = element.getBoundingClientRect();
            const x = box.left + Math.min(box.width / 2, 8), y = box.top + box.height / 2;
            const seen = document.elementFromPoint(x, y);
            return [seen === element || element.contains(seen) ? null : element.outerHTML, window.reached.size];
        }""")
        assert hidden is None, f"covered when focused: {hidden}"
    assert reached == focusables, "every control was reached by the keyboard"
    context.close()


def test_the_language_button_and_the_language_words(browser: Browser, chat_server: Server) -> None:
    """The page's language button sends ESPAÑOL (as a texter would): the reply and the page turn Spanish;
    typing ENGLISH turns both back."""
    context = new_context(browser, "en")
    page = context.new_page()
    chat, reference = open_chat(page, chat_server), Reference("en")
    page.get_by_role("button", name="Español").click()
    page.get_by_role("log").locator(".from-bot").first.wait_for()
    assert chat.last_reply() == reference.answer("ESPAÑOL")
    page.wait_for_function("() => document.documentElement.lang === 'es'")
    assert page.get_by_label(WORDS["es"]["label"]).is_visible()
    assert page.get_by_role("button", name=WORDS["es"]["quick_exit"]).is_visible()
    assert chat.send("3") == reference.answer("3")
    assert chat.send("english") == reference.answer("english")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.get_by_role("button", name="Español").is_visible()
    context.close()


def test_on_a_phone_nothing_scrolls_sideways_and_quick_exit_stays_on_screen(browser: Browser,
                                                                         chat_server: Server) -> None:
    """At 320 CSS pixels wide (WCAG reflow) the page fits, and Quick exit stays visible as the chat grows."""
    context = new_context(browser, "es", viewport={"width": 320, "height": 640})
    page = context.new_page()
    chat = open_chat(page, chat_server)
    for message in ("hola", "7", "8", "5"):
        chat.send(message)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    exit_box = page.locator("#quick-exit").bounding_box()
    assert exit_box is not None and exit_box["y"] >= 0 and exit_box["y"] + exit_box["height"] <= 640
    assert page.evaluate("() => window.scrollY") > 0, "the conversation did scroll"
    context.close()


def test_no_cookies_no_other_sites_nothing_kept_but_the_token(context: BrowserContext, chat_server: Server) -> None:
    """The whole page talks only to its own server, sets no cookie, stores only the token, and the strict
    Content-Security-Policy blocks nothing the page needs (no console errors)."""
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    chat = open_chat(page, chat_server)
    for message in ("hi", "2", "HELP"):
        chat.send(message)
    assert requests and all(url.startswith(chat_server.url + "/") for url in requests), requests
    assert context.cookies() == []
    assert page.evaluate("() => localStorage.length") == 0
    stored = page.evaluate("() => Object.keys(sessionStorage)")
    assert stored == [TOKEN_KEY]
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}", page.evaluate(f"() => sessionStorage['{TOKEN_KEY}']"))
    assert [p for p in problems if "favicon" not in p] == []


def test_a_reload_keeps_the_conversation_going(page: Page, chat_server: Server) -> None:
    """The token lives in the tab's sessionStorage: after a reload the bot still knows where the texter is."""
    chat, reference = open_chat(page, chat_server), Reference("en")
    for message in ("hi", "7"):
        assert chat.send(message) == reference.answer(message)
    page.reload()
    page.wait_for_function(f"() => sessionStorage.getItem('{TOKEN_KEY}') !== null")
    assert chat.send("8") == reference.answer("8"), "8 only means 'more lines' on the page of other lines"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_without_javascript_the_form_posts_and_gets_the_same_replies(browser: Browser, chat_server: Server,
                                                                       lang: str) -> None:
    """With JavaScript off the form posts to the server, which answers with the page and the reply: the same
    replies, the conversation kept by the token in the form, the language button a form too."""
    context = new_context(browser, lang, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{chat_server.url}/chat")
    reference = Reference(lang)
    words = WORDS[lang]
    for message in (FIRST[lang], "3", "0"):
        page.get_by_label(words["label"]).fill(message)
        page.get_by_role("button", name=words["send"]).click()
        page.wait_for_load_state()
        assert Chat(page).last_reply() == reference.answer(message), message
    assert set(Chat(page).last_links()) >= HOTLINE_LINKS
    assert "Esc" not in page.locator(".hint").inner_text(), "without the script the Escape key does nothing"
    page.get_by_role("button", name=words["switch"]).click()
    page.wait_for_load_state()
    assert Chat(page).last_reply() == reference.answer(SWITCH_WORD[lang])
    assert page.locator("html").get_attribute("lang") != lang
    context.close()


SWITCH_WORD = {"en": "ESPAÑOL", "es": "ENGLISH"}


@pytest.mark.parametrize("how", ["click", "Escape"])
def test_a_listed_site_can_frame_the_chat_and_quick_exit_leaves_that_site_too(page: Page, chat_server: Server,
                                                                           embedder: Server, how: str) -> None:
    """A site in HOTLINE_CHAT_EMBED_ORIGINS shows the chat in an iframe; Quick exit replaces the whole page."""
    page.goto(embedder.url + EMBED_PATH)
    frame = page.frame_locator("iframe")
    frame.get_by_label(WORDS["en"]["label"]).fill("hi")
    frame.get_by_label(WORDS["en"]["label"]).press("Enter")
    frame.locator(".from-bot").first.wait_for()
    assert "1-888-373-7888" in (frame.locator(".from-bot .text").first.text_content() or "")
    if how == "click":
        frame.get_by_role("button", name=WORDS["en"]["quick_exit"]).click()
    else:
        frame.get_by_label(WORDS["en"]["label"]).press("Escape")
    page.wait_for_url(chat_server.url + NEUTRAL_PATH)


def test_a_frame_that_may_not_leave_its_page_still_exits_itself(page: Page, chat_server: Server,
                                                                 embedder: Server) -> None:
    """In a sandboxed iframe (no allow-top-navigation) Quick exit cannot replace the site: the frame empties
    and replaces itself with the neutral site."""
    page.goto(embedder.url + SANDBOXED_EMBED_PATH)
    frame = page.frame_locator("iframe")
    frame.get_by_label(WORDS["en"]["label"]).fill("hi")
    frame.get_by_label(WORDS["en"]["label"]).press("Enter")
    frame.locator(".from-bot").first.wait_for()
    frame.get_by_role("button", name=WORDS["en"]["quick_exit"]).click()
    page.frames[1].wait_for_url(chat_server.url + NEUTRAL_PATH)
    assert page.url == embedder.url + SANDBOXED_EMBED_PATH


def test_a_site_not_listed_cannot_frame_the_chat(page: Page, chat_server: Server) -> None:
    """frame-ancestors lists only the operator's origins: a page of any other origin (here the chat's own,
    not listed) shows no chat in its iframe."""
    page.goto(chat_server.url + UNLISTED_EMBED_PATH)
    page.wait_for_load_state("load")
    assert len(page.frames) == 2
    assert page.frames[1].locator("#message").count() == 0


@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_no_violation(browser: Browser, chat_server: Server, lang: str) -> None:
    """axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, and best practices): none on the new page, none with a
    conversation full of links, none on the page a form post returns without JavaScript."""
    context = new_context(browser, lang)
    page = context.new_page()
    chat = open_chat(page, chat_server)
    assert axe_violations(page) == []
    for message in (FIRST[lang], "5", "7", "gibberish that means nothing"):
        chat.send(message)
    assert axe_violations(page) == []
    context.close()

    # The page a form post returns, as without JavaScript: chat.js is not served (axe itself needs scripts on).
    context = new_context(browser, lang)
    page = context.new_page()
    page.route("**/chat/static/chat.js", lambda route: route.abort())
    page.goto(f"{chat_server.url}/chat")
    page.get_by_label(WORDS[lang]["label"]).fill(FIRST[lang])
    page.get_by_role("button", name=WORDS[lang]["send"]).click()
    page.wait_for_load_state()
    assert "1-888-373-7888" in Chat(page).last_reply()
    assert axe_violations(page) == []
    context.close()
