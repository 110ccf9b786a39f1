"""Company near matches and tolerant person-name matching (pure)."""

from __future__ import annotations

import pytest

from payroll_link.onboarding.dga import dga_indicated
from payroll_link.onboarding.names import how_names_differ, near_matches, person_name_matches

NAMES = ["Bakkerij Van den Berg B.V.", "Van den Berg Banket B.V.", "Café De Gouden Leeuw B.V."]
JAN = {"first_name": "Jan", "initials": "J.M.", "prefix": "van den", "last_name": "Berg"}


@pytest.mark.parametrize(("wanted", "found", "how"), [
    ("Bakkerij Van den Berg BV", NAMES[0], "punctuation or spacing"),
    ("bakkerij van den berg b.v.", NAMES[0], "only upper/lower case"),
    ("Bakkerij Van den Berg  B.V.", NAMES[0], "only spacing"),
    ("Cafe De Gouden Leeuw B.V.", NAMES[2], "accents"),
    ("Bakkerij Van den Berg", NAMES[0], "similar spelling"),
])
def test_near_matches_name_the_literal_spelling(wanted, found, how):
    assert near_matches(wanted, NAMES)[0] == found
    assert how in how_names_differ(wanted, found)


def test_unrelated_name_has_no_near_match():
    assert near_matches("Hollander Installatietechniek B.V.", NAMES) == []


@pytest.mark.parametrize("declared", [
    "J. van den Berg", "Jan van den Berg", "BERG, J. VAN DEN", "Jan v.d. Berg", "J.M. Berg",
    "jan vandenberg", "Berg"])
def test_person_names_match_despite_case_prefixes_and_initials(declared):
    assert person_name_matches(declared, **JAN)


@pytest.mark.parametrize("declared", ["P. van den Berg", "Piet Berg", "J. Bakker", ""])
def test_person_names_that_differ_do_not_match(declared):
    assert not person_name_matches(declared, **JAN)


@pytest.mark.parametrize(("svw", "expected"), [
    ({"InfluenceObligedInsurance": True, "Ww": False, "Zw": False, "Wao_Wia": False}, True),
    ({"influenceobligedinsuranced": True, "WW": False, "ZW": False, "WAO_WIA": False}, True),
    ({"InfluenceObligedInsurance": True, "Ww": True, "Zw": False, "Wao_Wia": False}, False),
    ({"InfluenceObligedInsurance": False, "Ww": False, "Zw": False, "Wao_Wia": False}, False),
    (None, False),
])
def test_dga_indication_is_read_defensively(svw, expected):
    assert dga_indicated(svw) is expected
