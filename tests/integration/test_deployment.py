"""The shipped deployment under attack and at work: nginx (deploy/nginx.conf) in front of gunicorn
(deploy/gunicorn.conf.py, two workers) on a real Redis.

- Slow clients (issue 7): 64 connections trickling a header line at a time take gunicorn alone down (shown
  here, so the defence is known to matter); behind nginx, real 911 messages are still answered within 2 s.
- An opt-out holds across workers; /metrics adds up every worker's counts.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.signing import inbound_form
from bot.signing import signature as sign
from tests.processes import stop, wait_for_port, wait_for_workers
from tests.redis_server import RedisServer, free_port

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "deployment-test-token"
PEPPER = "deployment tests: a pepper of 32 bytes or more"
SLOW_CLIENTS = 64
WITHIN = 2.0
WORKERS = 2


def nginx_binary() -> str:
    """Debian's nginx; missing, the tests fail with how to install it (CI installs it)."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).is_file():
        pytest.fail("nginx not found: these tests run the shipped deploy/nginx.conf (apt-get install nginx)")
    return found


@contextlib.contextmanager
def running(args: list[str], env: dict[str, str], port: int, what: str) -> Iterator[None]:
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        wait_for_port(port, process, what, lambda: process.stderr.read().decode(errors="replace"))
        yield
    finally:
        stop(process)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with RedisServer() as server:
        yield server.url


@pytest.fixture(scope="module")
def deployment(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """gunicorn as configured in deploy/, and nginx from deploy/nginx.conf in front of it: their ports."""
    work = tmp_path_factory.mktemp("deploy")
    app_port, proxy_port = free_port(), free_port()
    env = {**os.environ, "HOTLINE_ENV": "production", "REDIS_URL": redis_url, "TWILIO_AUTH_TOKEN": TOKEN,
           "HOTLINE_PEPPER": PEPPER, "HOTLINE_PUBLIC_URL": f"http://127.0.0.1:{proxy_port}",
           "HOTLINE_SPOOL_DIR": str(work / "spool"), "WEB_CONCURRENCY": str(WORKERS),
           "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics"), "HOTLINE_RATE_PER_MINUTE": "1000"}
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind",
                f"127.0.0.1:{app_port}", "bot:create_app()"]
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    config = config.replace("listen 8080;", f"listen 127.0.0.1:{proxy_port};")
    config = config.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):  # private temp folders, not /var/lib/nginx
        (work / temp).mkdir()
        config = config.replace("http {", f"http {{\n    {temp}_temp_path {work / temp};", 1)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(f"{user}pid {work / 'nginx.pid'};\nerror_log {work / 'error.log'};\n{config}")
    nginx = [nginx_binary(), "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"]
    with running(gunicorn, env, app_port, "gunicorn"), running(nginx, env, proxy_port, "nginx"):
        wait_for_workers(app_port, WORKERS)
        yield {"app": app_port, "proxy": proxy_port}


def signed_message(proxy_port: int, sender: str, body: str, n: int) -> tuple[bytes, str]:
    form = inbound_form(body, sender, f"SM{n:032x}")
    return urlencode(form).encode(), sign(f"http://127.0.0.1:{proxy_port}/sms", form, TOKEN)


_numbers = iter(range(10**9))


def send(port: int, proxy_port: int, sender: str, body: str, timeout: float = 5.0) -> tuple[int, str, float]:
    """One signed webhook call to `port`: status, body, seconds."""
    data, signature = signed_message(proxy_port, sender, body, next(_numbers))
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/sms", data, {"Content-Type": "application/x-www-form-urlencoded",
                                                  "X-Twilio-Signature": signature})
        response = connection.getresponse()
        return response.status, response.read().decode(), time.monotonic() - started
    finally:
        connection.close()


@contextlib.contextmanager
def slow_clients(port: int, count: int = SLOW_CLIENTS, every: float = 1.0) -> Iterator[None]:
    """`count` connections that send a request line, then one header line every `every` seconds, forever."""
    stop = threading.Event()
    sockets = []
    for _ in range(count):
        with contextlib.suppress(OSError):
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.sendall(b"POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)

    def trickle() -> None:
        n = 0
        while not stop.wait(every):
            n += 1
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(f"X-Slow-{n}: 1\r\n".encode())

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    time.sleep(0.5)  # let them reach the server's threads
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for sock in sockets:
            sock.close()


def test_slow_clients_take_gunicorn_alone_down(deployment: dict[str, int]) -> None:
    """The attack's premise: straight at gunicorn, its threads wait on the slow clients and 911 waits too."""
    with slow_clients(deployment["app"]), pytest.raises((TimeoutError, OSError)):
        send(deployment["app"], deployment["proxy"], "+15550100301", "911", timeout=WITHIN)


def test_behind_nginx_real_911_messages_are_answered_within_2_seconds(deployment: dict[str, int]) -> None:
    time.sleep(1)  # gunicorn's threads freed from the previous test's clients
    with slow_clients(deployment["proxy"]):
        for n in range(10):
            status, body, seconds = send(deployment["proxy"], deployment["proxy"], f"+1555010040{n}", "911")
            assert status == 200 and "911" in body and "1-888-373-7888" in body
            assert seconds < WITHIN, f"message {n} took {seconds:.2f} s"


def test_an_opt_out_holds_across_workers(deployment: dict[str, int]) -> None:
    sender = "+15550100501"
    port = deployment["proxy"]
    assert "<Message>" in send(port, port, sender, "hi")[1]
    assert "<Message>" in send(port, port, sender, "STOP")[1]
    replies = [send(port, port, sender, text)[1] for text in ["hi", "1", "menu", "hola", "what?"] * 4]
    assert all("<Message>" not in reply for reply in replies), "an opted-out sender got a reply"


def test_metrics_add_up_over_every_worker(deployment: dict[str, int]) -> None:
    port = deployment["proxy"]
    for n in range(20):
        send(port, port, f"+155501006{n:02d}", "hi")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    connection.close()
    total = sum(float(v) for v in re.findall(r'^hotline_messages_total\{channel="sms"\} (\S+)$', text, re.M))
    assert total >= 20  # every message, whichever worker took it
