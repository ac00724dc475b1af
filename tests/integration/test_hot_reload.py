"""Hot reload under the shipped gunicorn configuration (deploy/gunicorn.conf.py, two workers, a real Redis):
an edit of a flow file changes the next replies of every worker without a restart; a broken edit changes
nothing, and each worker logs it once with its file and line."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.reload import RELOAD_INTERVAL, flows_version
from bot.settings import REPO_FLOWS
from bot.signing import inbound_form
from bot.signing import signature as sign
from tests.processes import stop, wait_for_port
from tests.redis_server import RedisServer, free_port

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "hot-reload-test-token"
PEPPER = "hot reload tests: a pepper of 32 bytes or more"
WORKERS = 2
CONVERGE_WITHIN = RELOAD_INTERVAL + 10.0  # seconds: the check interval, and a load, on a busy machine
TALK = "Chat at humantraffickinghotline.org"  # on the `talk` page (menu.yaml), nowhere else
EDITED = "Chat online at humantraffickinghotline.org"
BROKEN_GOTO = ("goto: more_lines", "goto: no_such_page")


class Server:
    """gunicorn serving a copy of the flows; its port, the flows' folder and its log file."""

    def __init__(self, port: int, flows: Path, log: Path) -> None:
        self.port, self.flows, self.log = port, flows, log
        self._numbers = iter(range(1, 10**9))

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> str:
        """One request on a new connection (so that the workers take turns); the response body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body, headers or {})
            return connection.getresponse().read().decode()
        finally:
            connection.close()

    def health(self) -> dict[str, object]:
        return json.loads(self.request("GET", "/healthz"))

    def sms(self, sender: str, body: str) -> str:
        """A signed Twilio webhook call; the TwiML reply."""
        form = inbound_form(body, sender, f"SM{next(self._numbers):032x}")
        signature = sign(f"http://127.0.0.1:{self.port}/sms", form, TOKEN)
        return self.request("POST", "/sms", urlencode(form).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("reload")
    flows = Path(shutil.copytree(REPO_FLOWS, work / "flows"))
    port, log = free_port(), work / "gunicorn.log"
    with RedisServer() as redis_server, log.open("wb") as log_file:
        env = {**os.environ, "HOTLINE_ENV": "production", "REDIS_URL": redis_server.url, "TWILIO_AUTH_TOKEN": TOKEN,
               "HOTLINE_PEPPER": PEPPER, "HOTLINE_PUBLIC_URL": f"http://127.0.0.1:{port}",
               "HOTLINE_SPOOL_DIR": str(work / "spool"), "WEB_CONCURRENCY": str(WORKERS),
               "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics"), "HOTLINE_FLOWS_DIR": str(flows),
               "HOTLINE_RATE_PER_MINUTE": "1000"}
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                    "bot:create_app()"]
        process = subprocess.Popen(gunicorn, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log_file,
                                   start_new_session=True)
        try:
            wait_for_port(port, process, "gunicorn", lambda: log.read_text(errors="replace"))
            yield Server(port, flows, log)
        finally:
            stop(process)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}: the test's premise changed"
    path.write_text(text.replace(old, new), encoding="utf-8")


def every_worker_reports(server: Server, wanted: Callable[[dict[str, object]], bool]) -> set[int]:
    """Poll /healthz until the last responses of `WORKERS` different workers all satisfy `wanted` (bounded)."""
    deadline = time.monotonic() + CONVERGE_WITHIN
    latest: dict[int, dict[str, object]] = {}
    while time.monotonic() < deadline:
        health = server.health()
        latest[int(health["worker"])] = health
        if len(latest) >= WORKERS and all(wanted(h) for h in latest.values()):
            return set(latest)
        time.sleep(0.05)
    pytest.fail(f"the workers did not converge within {CONVERGE_WITHIN} s: {latest}")


def talk_page(server: Server, sender: str) -> str:
    """The page menu item 1 opens, as a texter sees it."""
    server.sms(sender, "menu")
    return server.sms(sender, "1")


def test_an_edit_reaches_every_worker_and_a_broken_one_changes_nothing(server: Server) -> None:
    started = server.health()
    assert started["flows"] and started["flows_version"] == flows_version(server.flows)
    assert TALK in talk_page(server, "+15550100701")

    edit(server.flows / "menu.yaml", TALK, EDITED)
    edited = flows_version(server.flows)
    every_worker_reports(server, lambda h: h["flows_version"] == edited)
    for n in range(10):  # whichever worker takes them, every reply is the new one
        assert EDITED in talk_page(server, f"+155501008{n:02d}")

    menu = server.flows / "menu.yaml"
    edit(menu, *BROKEN_GOTO)
    broken = flows_version(server.flows)
    line = next(n for n, text in enumerate(menu.read_text().splitlines(), 1) if BROKEN_GOTO[1] in text)
    workers = every_worker_reports(server, lambda h: h["flows_refused"] == broken)
    for n in range(10):
        health = server.health()
        assert (health["flows"], health["flows_version"]) == (True, edited)
        assert EDITED in talk_page(server, f"+155501009{n:02d}")
    log = server.log.read_text(errors="replace")
    refusals = [text for text in log.splitlines() if f"version {broken} is refused" in text]
    assert len(refusals) == len(workers), "each worker logs a broken version once, not once per request"
    where = [text for text in log.splitlines() if f"menu.yaml:{line}:" in text]
    assert len(where) == len(workers) and all("no_such_page" in text for text in where), log[-3000:]
