"""ZIP code -> the state or territory it belongs to, in English or Spanish.

Uses the `zipcodes` package, which ships the USPS ZIP list with the wheel: a pure lookup, no network.
The referral directory (Open Referral HSDS, nearest first) will build on this; until then the bot
names the place and offers the national hotline's connection to local services.
"""

from __future__ import annotations

import re
from functools import cache

import zipcodes

ZIP = re.compile(r"^\d{5}$")

# State and territory names (USPS codes zipcodes uses). Spanish where US Spanish-language media
# use a Spanish form; otherwise the English name. Military mail codes (AA, AE, AP) name no place.
NAMES: dict[str, tuple[str, str]] = {
    "AL": ("Alabama", "Alabama"), "AK": ("Alaska", "Alaska"), "AZ": ("Arizona", "Arizona"),
    "AR": ("Arkansas", "Arkansas"), "CA": ("California", "California"), "CO": ("Colorado", "Colorado"),
    "CT": ("Connecticut", "Connecticut"), "DE": ("Delaware", "Delaware"),
    "DC": ("the District of Columbia", "el Distrito de Columbia"), "FL": ("Florida", "Florida"),
    "GA": ("Georgia", "Georgia"), "HI": ("Hawaii", "Hawái"), "ID": ("Idaho", "Idaho"),
    "IL": ("Illinois", "Illinois"), "IN": ("Indiana", "Indiana"), "IA": ("Iowa", "Iowa"),
    "KS": ("Kansas", "Kansas"), "KY": ("Kentucky", "Kentucky"), "LA": ("Louisiana", "Luisiana"),
    "ME": ("Maine", "Maine"), "MD": ("Maryland", "Maryland"), "MA": ("Massachusetts", "Massachusetts"),
    "MI": ("Michigan", "Míchigan"), "MN": ("Minnesota", "Minnesota"), "MS": ("Mississippi", "Misisipi"),
    "MO": ("Missouri", "Misuri"), "MT": ("Montana", "Montana"), "NE": ("Nebraska", "Nebraska"),
    "NV": ("Nevada", "Nevada"), "NH": ("New Hampshire", "Nuevo Hampshire"), "NJ": ("New Jersey", "Nueva Jersey"),
    "NM": ("New Mexico", "Nuevo México"), "NY": ("New York", "Nueva York"),
    "NC": ("North Carolina", "Carolina del Norte"), "ND": ("North Dakota", "Dakota del Norte"),
    "OH": ("Ohio", "Ohio"), "OK": ("Oklahoma", "Oklahoma"), "OR": ("Oregon", "Oregón"),
    "PA": ("Pennsylvania", "Pensilvania"), "RI": ("Rhode Island", "Rhode Island"),
    "SC": ("South Carolina", "Carolina del Sur"), "SD": ("South Dakota", "Dakota del Sur"),
    "TN": ("Tennessee", "Tennessee"), "TX": ("Texas", "Texas"), "UT": ("Utah", "Utah"),
    "VT": ("Vermont", "Vermont"), "VA": ("Virginia", "Virginia"), "WA": ("Washington", "Washington"),
    "WV": ("West Virginia", "Virginia Occidental"), "WI": ("Wisconsin", "Wisconsin"), "WY": ("Wyoming", "Wyoming"),
    "PR": ("Puerto Rico", "Puerto Rico"), "VI": ("the US Virgin Islands", "las Islas Vírgenes"),
    "GU": ("Guam", "Guam"), "AS": ("American Samoa", "Samoa Americana"),
    "MP": ("the Northern Mariana Islands", "las Islas Marianas del Norte"),
    "FM": ("Micronesia", "Micronesia"), "MH": ("the Marshall Islands", "las Islas Marshall"),
    "PW": ("Palau", "Palaos"),
}


def state_code(zip_code: str) -> str | None:
    """The USPS state code of a 5-digit ZIP code, or None if it is not a ZIP code we know."""
    return _state_by_zip().get(zip_code) if ZIP.match(zip_code) else None


def warm() -> None:
    """Build the ZIP index now (about a second), so the first texter who sends a ZIP code does not wait."""
    _state_by_zip()


@cache
def _state_by_zip() -> dict[str, str]:
    """Every USPS ZIP code -> its state, built once: zipcodes.matching scans the whole list (~3 ms a call).

    This holds the public ZIP list, never a texter's ZIP code: nothing per message is remembered.
    """
    return {record["zip_code"]: record["state"] for record in zipcodes.list_all()}


def place_name(zip_code: str, lang: str) -> str | None:
    """The name of the state or territory of `zip_code` in `lang`, or None when it names no place."""
    names = NAMES.get(state_code(zip_code) or "")
    return None if names is None else names[1 if lang == "es" else 0]
