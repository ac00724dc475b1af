"""The ZIP data the bot ships in bot/referrals/data/, derived from the `zipcodes` package, and its generator.

    .venv/bin/python -m bot.referrals.zip_data    (after upgrading zipcodes; a test fails until it is run)

The source is zipcodes (the USPS ZIP list with city, county, coordinates and time zone, in its wheel). Reading
it costs every process half a second or more (`zipcodes.list_all()` builds 42,789 dicts in its Rust extension,
and even one `zipcodes.matching` loads the whole list), so the bot reads these files instead, written here from
that list and never edited by hand:

- `zips.tsv.xz`: one line per ZIP code, in zipcodes' order (by ZIP code), with zipcodes' own values of the
  fields in FIELDS, tab-separated, after a header line naming them (`xz -dc` shows it). Read on the first ZIP
  code or city a process looks up.
- `states.json`: per state, the county names and the time zone most of its ZIP codes are in, one state a line:
  what the directory needs when it loads, without reading the ZIP table.

Nothing that depends on the rest of the bot (county keys, folded names) is stored: changing it needs no new data.
Nothing about a texter is read or written here.
"""

from __future__ import annotations

import json
import lzma
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypedDict

FOLDER = Path(__file__).resolve().parent / "data"
TABLE = FOLDER / "zips.tsv.xz"
STATES = FOLDER / "states.json"
COMMAND = ".venv/bin/python -m bot.referrals.zip_data"
FIELDS = ("zip_code", "city", "zip_code_type", "county", "state", "timezone", "lat", "long")
HEADER = "\t".join(FIELDS)


class StateFacts(TypedDict):
    """What states.json says about one state."""

    timezone: str | None  # IANA name; None when none of its ZIP codes has one
    counties: list[str]  # county names as the ZIP list writes them ("Harris County"), sorted


def table_text(rows: Iterable[Mapping[str, object]]) -> str:
    """The ZIP table (uncompressed): the header line, then one tab-separated line per row, in the rows' order."""
    lines = [HEADER]
    for row in rows:
        values = [str(row[field]) for field in FIELDS]
        if any(("\t" in v or "\n" in v or "\r" in v) for v in values):
            raise ValueError(f"ZIP code {row['zip_code']}: a field holds a tab or a line break: {values}")
        lines.append("\t".join(values))
    return "\n".join(lines) + "\n"


def states_text(rows: Iterable[Mapping[str, object]]) -> str:
    """states.json's text: per state, its county names and the time zone most of its ZIP codes are in."""
    zones: dict[str, Counter[str]] = {}
    counties: dict[str, set[str]] = {}
    for row in rows:
        state, zone, county = str(row["state"]), str(row["timezone"]), str(row["county"])
        zones.setdefault(state, Counter())
        if "/" in zone:  # a few rows hold a place name or nothing instead of an IANA zone
            zones[state][zone] += 1
        if county:
            counties.setdefault(state, set()).add(county)
    facts = {state: StateFacts(timezone=zone[0][0] if (zone := counted.most_common(1)) else None,
                               counties=sorted(counties.get(state, ())))
             for state, counted in sorted(zones.items())}
    lines = [f"{json.dumps(state)}: {json.dumps(facts[state], ensure_ascii=False)}" for state in facts]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def compress(text: str) -> bytes:
    """The ZIP table as shipped: xz (455 KB where gzip takes 640 KB; decompressed once per process)."""
    return lzma.compress(text.encode(), format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)


def read_table() -> str:
    """The shipped ZIP table's text, checked to have the columns this code reads."""
    text = lzma.decompress(TABLE.read_bytes()).decode()
    header = text[:text.index("\n")]
    if header != HEADER:
        raise RuntimeError(f"{TABLE} has the columns {header.split()}, not {list(FIELDS)}: run {COMMAND}")
    return text


def read_states() -> dict[str, StateFacts]:
    """The shipped states.json: state code -> its facts."""
    return json.loads(STATES.read_text(encoding="utf-8"))


def main() -> None:
    """Write bot/referrals/data/ from the installed zipcodes package, and say what was written."""
    import zipcodes

    rows = zipcodes.list_all()
    table, states = table_text(rows), states_text(rows)
    FOLDER.mkdir(exist_ok=True)
    TABLE.write_bytes(compress(table))
    STATES.write_text(states, encoding="utf-8")
    print(f"zipcodes {zipcodes.__version__}: {len(rows)} ZIP codes -> {TABLE} ({TABLE.stat().st_size:,} bytes; "
          f"{len(table):,} uncompressed), {STATES} ({STATES.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
