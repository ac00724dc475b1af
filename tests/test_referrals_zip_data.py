"""The ZIP data the bot ships is the zipcodes package's list, regenerated; a process reads it lazily, and once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import zipcodes

from bot.referrals import zip_data
from bot.referrals.places import _Once


def _first_difference(shipped: str, regenerated: str) -> str:
    """The first line where the two texts differ, shipped then regenerated."""
    for number, (old, new) in enumerate(zip(shipped.splitlines(), regenerated.splitlines(), strict=False), start=1):
        if old != new:
            return f"line {number}: {old!r} is now {new!r}"
    return f"{len(shipped.splitlines())} lines are now {len(regenerated.splitlines())}"


def test_the_shipped_zip_data_is_what_the_installed_zipcodes_gives():
    """A zipcodes upgrade that changes the list fails here until bot/referrals/data/ is regenerated."""
    rows = zipcodes.list_all()
    # Compared uncompressed: another version of xz may write the same text as other bytes.
    for path, shipped, regenerated in ((zip_data.TABLE, zip_data.read_table(), zip_data.table_text(rows)),
                                       (zip_data.STATES, zip_data.STATES.read_text(encoding="utf-8"),
                                        zip_data.states_text(rows))):
        assert shipped == regenerated, (f"{path.name} is not what zipcodes {zipcodes.__version__} gives "
                                         f"({_first_difference(shipped, regenerated)}): run {zip_data.COMMAND}")


def test_starting_the_bot_reads_neither_the_zip_table_nor_zipcodes():
    """Start-up (issue 9: under a second) reads only states.json; the first ZIP code or city reads the table."""
    code = ("import sys; from bot import create_app; from bot.referrals import places; "
            "create_app({'HOTLINE_ENV': 'development'}); "
            "print(places._zip_lines._built is None, 'zipcodes' in sys.modules, places.counties('NV') != set()); "
            "places.by_zip('77002'); print(places._zip_lines._built is None)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["True", "False", "True", "False"]


def test_threads_asking_at_the_same_time_share_one_read():
    reads: list[int] = []

    def read() -> dict[str, str]:
        reads.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while it runs
        return {"77002": "a line"}

    table = _Once(read)
    start = threading.Barrier(8)
    seen: list[dict[str, str]] = []

    def ask() -> None:
        start.wait()
        seen.append(table())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reads) == 1
    assert len(seen) == 8 and all(s is seen[0] for s in seen)
