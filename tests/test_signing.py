"""`hotline-bot sign` and `--version`: trying the webhook locally as the README shows, signatures checked."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.processes import stop, wait_for_port
from tests.redis_server import free_port
from tests.test_webhook import PUBLIC_URL, TOKEN, WEBHOOK, make_app, messages

BIN = Path(sys.executable).parent / "hotline-bot"


def sign(*args: str, token: str | None = TOKEN) -> tuple[int, str]:
    """Run `hotline-bot sign ARGS`: its exit code and output."""
    env = {"TWILIO_AUTH_TOKEN": token} if token else {"TWILIO_AUTH_TOKEN": ""}
    result = CliRunner().invoke(main, ["sign", *args], env=env)
    return result.exit_code, result.output


def post_curl(client, command: str):
    """Send what a `curl ... -H ... --data-urlencode ...` command sends, through the test client."""
    words = shlex.split(command)
    url = words[words.index("-X") + 2]
    header = words[words.index("-H") + 1]
    form = dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word == "--data-urlencode")
    name, value = header.split(": ", 1)
    return client.post(url.removeprefix(PUBLIC_URL), data=form, headers={name: value},
                       base_url="http://internal-host:8000")


def test_a_signed_request_gets_the_reply():
    code, command = sign("hola", "--url", WEBHOOK)
    assert code == 0
    response = post_curl(make_app().test_client(), command)
    assert response.status_code == 200
    assert "911" in messages(response)[0] and "1-888-373-7888" in messages(response)[0]


def test_the_same_sid_is_a_retry_and_gets_the_same_reply():
    client = make_app().test_client()
    sid = "SM" + "ab" * 16
    first = post_curl(client, sign("1", "--url", WEBHOOK, "--sid", sid)[1])
    again = post_curl(client, sign("1", "--url", WEBHOOK, "--sid", sid)[1])
    assert messages(first) == messages(again)


@pytest.mark.parametrize(("why", "args", "token"), [
    ("another token", ("--url", WEBHOOK), "not-the-servers-token"),
    ("another URL", ("--url", "https://elsewhere.example.org/sms"), TOKEN),
])
def test_a_request_signed_wrongly_is_refused(why: str, args: tuple[str, ...], token: str):
    code, command = sign("hola", *args, token=token)
    assert code == 0
    command = command.replace("https://elsewhere.example.org", PUBLIC_URL)  # sent to our server all the same
    assert post_curl(make_app().test_client(), command).status_code == 403


def test_without_a_token_it_says_what_to_set():
    code, output = sign("hola", token=None)
    assert code == 2
    assert "TWILIO_AUTH_TOKEN" in output


def test_the_readme_way_end_to_end_with_curl_against_the_development_server(tmp_path: Path):
    """export TWILIO_AUTH_TOKEN and HOTLINE_PUBLIC_URL, serve, eval "$(hotline-bot sign hola)"."""
    port = free_port()
    env = {**os.environ, "TWILIO_AUTH_TOKEN": "local-test-token", "HOTLINE_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "HOTLINE_SPOOL_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_port(port, server, "hotline-bot serve", lambda: server.stderr.read().decode(errors="replace"))
        out = subprocess.run(["bash", "-c", f'eval "$({BIN} sign hola)"'], env=env, capture_output=True,
                             text=True, timeout=20, check=True).stdout
        refused = subprocess.run(["bash", "-c", f'eval "$({BIN} sign --token other hola)"'], env=env,
                                 capture_output=True, text=True, timeout=20, check=True).stdout
    finally:
        stop(server)
    assert "<Message>Si corres peligro ahora, llama al 911." in out
    assert refused == "Forbidden"


def test_version_is_the_packages():
    result = CliRunner().invoke(main, ["--version"])
    assert result.output == f"hotline-bot {version('hotline-bot')}\n"
