"""The files under deploy/ say what the code and the facts say."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.fallback import twiml
from bot.flow import load_flows
from bot.flow.fact_check import find, unknown
from bot.flow.facts import load_registry
from bot.settings import REPO_FLOWS

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_the_fallback_file_is_the_flows_emergency_reply_as_hosted_twiml():
    shipped = (DEPLOY / "fallback.xml").read_text(encoding="utf-8")
    assert shipped == twiml(load_flows(REPO_FLOWS)), "run: hotline-bot fallback -o deploy/fallback.xml"
    [message] = ET.fromstring(shipped.split("\n", 1)[1])
    for fact in ("911", "1-888-373-7888", "233733"):
        assert message.text.count(fact) == 2  # in English and in Spanish
    assert len(message.text) <= 1600  # one Twilio message


def test_every_number_in_the_fallback_file_is_a_fact_of_the_registry():
    registry, _ = load_registry(REPO_FLOWS)
    found = find((DEPLOY / "fallback.xml").read_text(encoding="utf-8"))
    assert found and [f.written for f in found if unknown(f, registry)] == []


def test_hotline_bot_fallback_prints_or_writes_it(tmp_path: Path):
    printed = CliRunner().invoke(main, ["fallback"])
    assert printed.exit_code == 0 and printed.output == twiml(load_flows(REPO_FLOWS))
    written = CliRunner().invoke(main, ["fallback", "-o", str(tmp_path / "f.xml")])
    assert written.exit_code == 0 and (tmp_path / "f.xml").read_text() == printed.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.yaml").write_text("nodes: [\n")
    assert CliRunner().invoke(main, ["fallback", "--flows", str(broken)]).exit_code == 1


def test_the_procfile_runs_gunicorn_with_the_shipped_settings():
    assert "gunicorn -c deploy/gunicorn.conf.py" in (DEPLOY.parent / "Procfile").read_text()


def test_nginx_buffers_requests_and_cuts_off_slow_clients():
    config = (DEPLOY / "nginx.conf").read_text()
    for directive in ("proxy_request_buffering on;", "client_header_timeout 10s;", "client_body_timeout 10s;",
                      "proxy_read_timeout 14s;", "access_log off;"):
        assert re.search(rf"^\s*{re.escape(directive)}", config, re.M), directive
