"""A texter's place from a ZIP code, "City, ST", or a state, offline from the zipcodes package's list."""

from __future__ import annotations

import pytest

from bot import places as old_places
from bot.referrals.places import county_key, resolve


@pytest.mark.parametrize(("text", "state", "county", "label"), [
    ("77002", "TX", "harris", "Houston, TX"),
    ("77002-1234", "TX", "harris", "Houston, TX"),
    ("Houston, TX", "TX", "harris", "Houston, TX"),
    ("houston tx", "TX", "harris", "Houston, TX"),
    ("Houston, Texas", "TX", "harris", "Houston, TX"),
    ("Las Vegas, NV", "NV", "clark", "Las Vegas, NV"),
    ("89501", "NV", "washoe", "Reno, NV"),
    ("New York, New York", "NY", "new york", "New York, NY"),
    ("San Juan, PR", "PR", "san juan", "San Juan, PR"),
    ("Texas", "TX", None, None),
    ("tx", "TX", None, None),
    ("Nuevo México", "NM", None, None),
    ("nuevo mexico", "NM", None, None),
    ("Hawái", "HI", None, None),
    ("the District of Columbia", "DC", None, None),
])
def test_places_texters_name(text, state, county, label):
    place = resolve(text)
    assert (place.state, place.county, place.label) == (state, county, label)
    assert (place.latitude is None) is (county is None)


@pytest.mark.parametrize("text", ["99999", "00000", "1234", "Atlantis, TX", "help me", "", "hola"])
def test_what_names_no_place(text):
    assert resolve(text) is None


@pytest.mark.parametrize(("lang", "name"), [("en", "New Mexico"), ("es", "Nuevo México")])
def test_a_state_is_named_in_the_texters_language(lang, name):
    assert resolve("NM").name(lang) == name


@pytest.mark.parametrize(("written", "key"), [
    ("Los Angeles County", "los angeles"), ("los angeles", "los angeles"), ("Orleans Parish", "orleans"),
    ("San Juan Municipio", "san juan"), ("Carson City", "carson city"),
])
def test_county_names_compare_without_their_suffix(written, key):
    assert county_key(written) == key


def test_the_old_zip_api_still_answers_for_the_engine():
    assert old_places.state_code("77002") == "TX"
    assert old_places.place_name("00901", "es") == "Puerto Rico"
    assert old_places.place_name("99999", "en") is None
