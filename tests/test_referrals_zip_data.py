"""The ZIP data the bot ships is the zipcodes package's list, regenerated."""

from __future__ import annotations

import zipcodes

from bot.referrals import zip_data


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

