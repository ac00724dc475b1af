"""Fictional directories for the referral tests: records written as the directory files hold them."""

from __future__ import annotations

from pathlib import Path

from bot.flow.yaml_source import read_document
from bot.referrals.directory import Directory
from bot.referrals.records import build_service
from bot.referrals.words import REPLIES_FILE, build_words
from bot.settings import REPO_FLOWS

WORDS, _ = build_words(read_document(REPO_FLOWS / "directory" / REPLIES_FILE)[0].data)
HOUSTON = (29.76, -95.37)  # 77002 is at 29.7594, -95.3594


def record(ident: str, **fields: object) -> dict:
    """A valid fictional record (555-01xx number, active, sourced) with `fields` changed."""
    base = {"id": ident, "name": f"{ident} (fictional)", "status": "active",
            "phones": [{"number": "713-555-0100", "type": "voice"}], "source": "https://example.org/list",
            "verified": "2026-11-01"}
    return {**base, **fields}


def near(miles_north: float) -> dict:
    """A location `miles_north` of downtown Houston."""
    return {"latitude": HOUSTON[0] + miles_north / 69.05, "longitude": HOUSTON[1]}


def directory(*records: dict) -> Directory:
    """A directory of these records (in this order) with the shipped words."""
    services = []
    for order, raw in enumerate(records):
        service, complaints = build_service(raw, {n.key for n in WORDS.needs}, WORDS.purposes, order)
        assert complaints == [], complaints
        services.append(service)
    return Directory.build(tuple(services), WORDS)


def write_flows(folder: Path, files: dict[str, str]) -> Path:
    """A flows folder whose directory/ holds the shipped replies.yaml and `files` (name -> text)."""
    target = folder / "directory"
    target.mkdir(parents=True)
    (target / REPLIES_FILE).write_text((REPO_FLOWS / "directory" / REPLIES_FILE).read_text(encoding="utf-8"))
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    return folder
