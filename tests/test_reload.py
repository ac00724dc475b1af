"""Hot reload (bot/reload.py): edited flows are served without a restart, a broken edit changes nothing and
is logged with its file and line, and checking costs no scan per message."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bot import create_app, reload
from bot.fallback import STATIC_REPLY
from bot.hotline import Hotline
from bot.reload import Reloader, flows_version, source_files
from bot.settings import FLOWS_RELOAD_SECONDS, REPO_FLOWS
from tests.conftest import new_hotline

NOW = 1_700_000_000
SENDER = "+15550100001"
TALK = "Chat at humantraffickinghotline.org"  # on the `talk` page (menu.yaml), nowhere else
EDITED = "Chat online at humantraffickinghotline.org"
BROKEN_GOTO = ("goto: more_lines", "goto: no_such_page")


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    """A copy of the shipped flows, to edit."""
    return Path(shutil.copytree(REPO_FLOWS, tmp_path / "flows"))


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) in a file, as an operator's editor would save it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}: the test's premise changed"
    path.write_text(text.replace(old, new), encoding="utf-8")
    _later(path)


def _later(path: Path) -> None:
    """Move a file's modification time on, as a save a moment later would (file systems tick coarsely)."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))


def line_of(path: Path, text: str) -> int:
    """The line number of the first line holding `text`."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def watching(folder: Path) -> tuple[Reloader, Hotline, Clock]:
    """A hotline on the flows in `folder` and its reloader, on a clock the test moves."""
    clock = Clock()
    reloader = Reloader(folder, clock=clock)
    hotline = new_hotline(HOTLINE_FLOWS_DIR=str(folder))
    return reloader.attach(hotline), hotline, clock


def later(clock: Clock, reloader: Reloader) -> None:
    """Let a check interval pass, then check as the next request would."""
    clock.now += reloader.interval
    reloader.check()


def say(hotline: Hotline, text: str, n: int) -> str | None:
    return hotline.answer(SENDER, f"SM{n:032x}", text, NOW + n)


def talk_page(hotline: Hotline, n: int) -> str:
    """The page menu item 1 opens (messages n and n + 1)."""
    say(hotline, "menu", n)
    return say(hotline, "1", n + 1)


# ---- the version -------------------------------------------------------------------------------------------

Change = Callable[[Path], None]
VERSION_CHANGES: dict[str, tuple[Change, bool]] = {
    "a text in a flow file": (lambda f: edit(f / "menu.yaml", "You are not alone.", "You are not on your own."), True),
    "a file of the referral directory": (lambda f: edit(f / "directory" / "national.yaml", "\n", "\n\n"), True),
    "a new file in the referral directory": (lambda f: (f / "directory" / "extra.yaml").write_text("x: 1\n"), True),
    "a new flow file": (lambda f: (f / "facts.yaml").write_text("facts: {}\n"), True),
    "a renamed flow file": (lambda f: (f / "menu.yaml").rename(f / "main.yaml"), True),
    "a file saved unchanged": (lambda f: _later(f / "menu.yaml"), False),
    "an editor's swap file": (lambda f: (f / ".menu.yaml.swp").write_text("junk"), False),
    "a note that is not a flow file": (lambda f: (f / "NOTES.md").write_text("to do"), False),
}


@pytest.mark.parametrize("change", VERSION_CHANGES, ids=list(VERSION_CHANGES))
def test_the_version_follows_every_file_the_flows_are_loaded_from(flows: Path, change: str) -> None:
    act, changes = VERSION_CHANGES[change]
    before = flows_version(flows)
    act(flows)
    assert (flows_version(flows) != before) is changes


def test_the_version_is_short_and_the_same_for_the_same_files(tmp_path: Path, flows: Path) -> None:
    twin = Path(shutil.copytree(flows, tmp_path / "twin"))
    assert flows_version(flows) == flows_version(twin)
    assert len(flows_version(flows)) == reload.VERSION_LENGTH and int(flows_version(flows), 16) >= 0


def test_the_sources_are_the_flow_files_and_the_referral_directory(flows: Path) -> None:
    names = {p.relative_to(flows).as_posix() for p in source_files(flows)}
    assert names == {p.name for p in flows.glob("*.yaml")} | {
        p.relative_to(flows).as_posix() for p in (flows / "directory").rglob("*") if p.is_file()}


# ---- the reloader ------------------------------------------------------------------------------------------

def test_a_good_edit_changes_the_next_reply(flows: Path) -> None:
    reloader, hotline, clock = watching(flows)
    first = reloader.served
    assert TALK in talk_page(hotline, 1)
    edit(flows / "menu.yaml", TALK, EDITED)
    reloader.check()
    assert reloader.served == first, "no look at the files before the interval has passed"
    assert TALK in talk_page(hotline, 3)
    later(clock, reloader)
    assert reloader.served == flows_version(flows) != first
    assert EDITED in talk_page(hotline, 5)


def test_a_broken_edit_changes_nothing_and_is_logged_with_file_and_line_once(
        flows: Path, caplog: pytest.LogCaptureFixture) -> None:
    reloader, hotline, clock = watching(flows)
    served, before = reloader.served, hotline.flows
    edit(flows / "menu.yaml", *BROKEN_GOTO)
    line = line_of(flows / "menu.yaml", BROKEN_GOTO[1])
    with caplog.at_level(logging.ERROR, logger="bot.reload"):
        later(clock, reloader)
        _later(flows / "menu.yaml")  # saved again, still broken: not logged again
        later(clock, reloader)
    assert hotline.flows is before and reloader.served == served
    assert reloader.refused == flows_version(flows)
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 1, logged
    assert f"menu.yaml:{line}:" in logged[0] and "no_such_page" in logged[0]
    assert served in logged[0] and reloader.refused in logged[0]
    assert TALK in talk_page(hotline, 1)


def test_undoing_a_broken_edit_clears_the_refusal(flows: Path) -> None:
    reloader, _hotline, clock = watching(flows)
    served = reloader.served
    edit(flows / "menu.yaml", *BROKEN_GOTO)
    later(clock, reloader)
    assert reloader.refused is not None
    edit(flows / "menu.yaml", *reversed(BROKEN_GOTO))
    later(clock, reloader)
    assert (reloader.served, reloader.refused) == (served, None)


def test_flows_broken_at_start_get_the_static_reply_until_an_edit_fixes_them(flows: Path) -> None:
    edit(flows / "menu.yaml", *BROKEN_GOTO)
    reloader, hotline, clock = watching(flows)
    assert hotline.flows is None and reloader.served is None and reloader.refused == flows_version(flows)
    assert say(hotline, "hi", 1) == STATIC_REPLY
    edit(flows / "menu.yaml", *reversed(BROKEN_GOTO))
    later(clock, reloader)
    assert hotline.flows is not None and reloader.served == flows_version(flows) and reloader.refused is None
    assert "Reply with a number" in say(hotline, "hi", 2)


def test_an_edit_of_the_referral_directory_is_served(flows: Path) -> None:
    reloader, hotline, clock = watching(flows)
    before = hotline.flows
    edit(flows / "directory" / "national.yaml", "\n", "\n# reviewed\n")
    later(clock, reloader)
    assert hotline.flows is not before and hotline.flows.directory is not None
    assert reloader.served == flows_version(flows)


def test_a_conversation_on_a_page_that_disappeared_goes_back_to_the_menu(flows: Path) -> None:
    reloader, hotline, clock = watching(flows)
    say(hotline, "hi", 1)
    say(hotline, "7", 2)
    assert "1-800" in say(hotline, "8", 3)  # now on more_lines
    menu = flows / "menu.yaml"
    menu.write_text(menu.read_text(encoding="utf-8").replace("more_lines", "further_lines"), encoding="utf-8")
    _later(menu)
    later(clock, reloader)
    assert "further_lines" in hotline.flows.nodes and "more_lines" not in hotline.flows.nodes
    assert "Reply with a number" in say(hotline, "8", 4), "the menu, not a re-prompt or an error"


def test_checking_costs_no_scan_per_message(flows: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reloader, _hotline, clock = watching(flows)
    scans = []
    monkeypatch.setattr(reload, "stamp", lambda folder: scans.append(folder) or ())
    for _ in range(2000):
        reloader.check()
    assert scans == []
    for _ in range(3):
        clock.now += reloader.interval
        for _ in range(100):
            reloader.check()
    assert len(scans) == 3, "one scan per interval"


def test_a_failing_check_never_fails_the_request(flows: Path, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    reloader, hotline, clock = watching(flows)

    def broken(folder: Path) -> tuple:
        raise PermissionError("no access")
    monkeypatch.setattr(reload, "stamp", broken)
    with caplog.at_level(logging.ERROR, logger="bot.reload"):
        later(clock, reloader)
    assert "PermissionError" in caplog.text and hotline.flows is not None


def test_one_thread_checks_while_the_others_answer(flows: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reloader, _hotline, clock = watching(flows)
    scans = []
    monkeypatch.setattr(reload, "stamp", lambda folder: scans.append(folder) or ())
    clock.now += reloader.interval
    with reloader._lock:  # another thread is checking
        reloader.check()
    assert scans == []
    reloader.check()
    assert len(scans) == 1


def test_a_folder_unreadable_at_start_is_looked_at_again(
        flows: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(folder: Path) -> str:
        raise PermissionError("no access")
    monkeypatch.setattr(reload, "flows_version", unreadable)
    clock = Clock()
    reloader = Reloader(flows, clock=clock).attach(new_hotline(HOTLINE_FLOWS_DIR=str(flows)))
    monkeypatch.undo()  # readable again: the next look finds the version
    later(clock, reloader)
    assert reloader.served == flows_version(flows)


# ---- the app ------------------------------------------------------------------------------------------------

@pytest.fixture
def client(flows: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FlaskClient:
    monkeypatch.setattr(reload, "RELOAD_INTERVAL", 0.0)  # look at the files before every request
    return create_app({"HOTLINE_ENV": "development", "HOTLINE_FLOWS_DIR": str(flows),
                       "HOTLINE_SPOOL_DIR": str(tmp_path / "spool")}).test_client()


def test_healthz_reports_the_version_served_and_the_one_refused(flows: Path, client: FlaskClient) -> None:
    health = client.get("/healthz").get_json()
    assert (health["flows_version"], health["flows_refused"]) == (flows_version(flows), None)
    edit(flows / "menu.yaml", *BROKEN_GOTO)
    broken = client.get("/healthz")
    assert broken.status_code == 200, "still serving the previous flows"
    assert broken.get_json()["flows_version"] == health["flows_version"]
    assert broken.get_json()["flows_refused"] == flows_version(flows)
    assert str(flows) not in broken.get_data(as_text=True)


def test_the_webhook_serves_an_edit_on_the_next_message(flows: Path, client: FlaskClient) -> None:
    def send(body: str, n: int) -> str:
        form = {"From": SENDER, "To": "+15550100999", "Body": body, "MessageSid": f"SM{n:032x}"}
        return client.post("/sms", data=form).get_data(as_text=True)
    send("hi", 1)
    assert TALK in send("1", 2)
    edit(flows / "menu.yaml", TALK, EDITED)
    send("menu", 3)
    assert EDITED in send("1", 4)


def test_the_readme_says_how_often_edits_are_looked_for() -> None:
    readme = (REPO_FLOWS.parent / "README.md").read_text(encoding="utf-8")
    assert f"at most every {FLOWS_RELOAD_SECONDS} seconds" in readme
    assert reload.RELOAD_INTERVAL == FLOWS_RELOAD_SECONDS
