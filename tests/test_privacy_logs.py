"""No phone number, message body or ZIP code reaches a log record, or a Redis key or value."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest
from flask import Flask

from tests.redis_server import free_port
from tests.test_webhook import inbound, make_app, post, reply

NUMBER = "+15557654321"  # fictional
ZIP = "90210"
NAME = "Rosalind Quixote"
BODY = f"my name is {NAME} and my zip is {ZIP}"
# Every way the number or the body could show up.
SECRETS = (NUMBER, "15557654321", "5557654321", "555-765-4321", "(555) 765-4321", "765-4321", "7654321",
           ZIP, BODY, NAME, "Rosalind", "Quixote")

CONVERSATION = [
    inbound("hi", sender=NUMBER),
    inbound(BODY, sender=NUMBER),
    inbound(ZIP, sender=NUMBER),
    inbound(f"zip {ZIP}", sender=f"whatsapp:{NUMBER}"),
    inbound("1", sender=NUMBER),
    inbound(BODY, sender=NUMBER, NumMedia="1", MediaUrl0="https://example.com/m", FromZip=ZIP, FromCity="Beverly"),
    inbound("HELP", sender=NUMBER),
    inbound("STOP", sender=NUMBER),
    inbound(BODY, sender=NUMBER),
    inbound("START", sender=NUMBER, OptOutType="START"),
    inbound(BODY, sender=NUMBER, OptOutType="STOP"),
]


def leaks(text: str) -> list[str]:
    """The secrets found in `text`."""
    return [secret for secret in SECRETS if secret in text]


def record_text(record: logging.LogRecord) -> str:
    """Everything a log record could carry to a handler: message, raw args, exception text and traceback."""
    parts = [str(record.msg), repr(record.args), record.getMessage(), record.exc_text or "", record.stack_info or ""]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    return "\n".join(parts)


def run_conversation(app: Flask) -> None:
    """Send the whole conversation, the same message twice (a Twilio retry), and one unsigned request."""
    client = app.test_client()
    for form in CONVERSATION:
        post(client, form)
    post(client, CONVERSATION[1])
    post(client, CONVERSATION[1], how="bad signature")
    post(client, inbound(BODY, sender=None))


@pytest.mark.parametrize("overrides", [
    pytest.param({}, id="embedded store"),
    pytest.param({"REDIS_URL": "redis://127.0.0.1:{port}/0", "HOTLINE_REDIS_TIMEOUT": "0.2"}, id="Redis down"),
    pytest.param({"HOTLINE_FLOWS_DIR": "{tmp}"}, id="broken flows"),
])
def test_nothing_personal_in_logs(caplog: pytest.LogCaptureFixture, tmp_path: Path, overrides: dict[str, str]) -> None:
    """Whatever path a message takes (normal, store failure, flow failure), logs hold no number, body or ZIP."""
    (tmp_path / "broken.yaml").write_text("nodes: [unclosed\n")
    config = {name: value.format(port=free_port(), tmp=tmp_path) for name, value in overrides.items()}
    caplog.set_level(logging.DEBUG)
    app = make_app(**config)
    run_conversation(app)
    if overrides:
        assert caplog.records, "the failure path should have logged something (else this test proves nothing)"
    for record in caplog.records:
        assert not leaks(record_text(record)), f"{record.name}: {record_text(record)}"


def test_nothing_personal_in_redis() -> None:
    """After a whole conversation, no Redis key or value holds the number, the body, the name or the ZIP."""
    app = make_app()
    run_conversation(app)
    client = app.extensions["hotline"].store.client
    keys = list(client.scan_iter())
    assert keys, "the conversation should have stored something"
    for key in keys:
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key)]
        elif kind == "hash":
            values = [item for pair in client.hgetall(key).items() for item in pair]
        else:
            values = [repr(client.dump(key))]
        for item in [key, *values]:
            text = item.decode(errors="replace") if isinstance(item, bytes) else str(item)
            assert not leaks(text), f"{key!r}: {text}"
        assert client.ttl(key) > 0, f"{key!r} has no TTL"


def test_replies_reach_the_texter() -> None:
    """Sanity check for the tests above: the conversation really was answered."""
    client = make_app().test_client()
    assert reply(post(client, inbound("hi", sender=NUMBER))) is not None
