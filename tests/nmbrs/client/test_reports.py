"""The wage-code report XML carried in a string: utf-16 declaration, shapes, bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nmbrs.client import NmbrsResponseError
from nmbrs.client.reports import parse_wage_code_report

REPORT = ('<?xml version="1.0" encoding="utf-16"?><reports><report><employeeid>7</employeeid>'
          "<period>5</period><year>2026</year><runnumber>1</runnumber><lines>"
          "<line><code>1000</code><description>Salaris</description><value>3000.50</value></line>"
          "<line><code>1100</code><description>Uren</description><value>152,00</value></line>"
          "</lines></report></reports>")


def test_utf16_declared_report_parses_into_rows():
    rows = parse_wage_code_report(REPORT)
    assert rows[0] == {"employee_id": 7, "period": 5, "year": 2026, "run_number": 1,
                       "code": 1000, "description": "Salaris", "value": Decimal("3000.50")}
    assert rows[1]["value"] == Decimal("152.00")  # comma decimal tolerated


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_report_is_no_rows(text):
    assert parse_wage_code_report(text) == []


@pytest.mark.parametrize("text, message", [
    ("<reports><report>", "not well-formed"),
    ("<journal/>", "root is <journal>"),
    ("<reports><report><lines/></report></reports>", "no <employeeid>"),
    ("<reports><report><employeeid>1</employeeid><lines><line><code>x</code></line></lines>"
     "</report></reports>", "<code> is not an integer"),
])
def test_bad_report_names_the_problem(text, message):
    with pytest.raises(NmbrsResponseError, match=message) as err:
        parse_wage_code_report(text, operation="wage codes", company_id=3)
    assert err.value.company_id == 3


LINE = ("<reports><report><employeeid>7</employeeid><period>5</period><year>2026</year>"
        "<runnumber>1</runnumber><lines><line><code>1000</code><description>{}</description>"
        "<value>1.00</value></line></lines></report></reports>")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE reports [<!ENTITY ext SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE reports [<!ENTITY ext "internal text">]>',
    '<!DOCTYPE reports SYSTEM "http://example.invalid/reports.dtd">',
])
def test_external_or_internal_entities_are_refused_not_dropped(doctype):
    text = '<?xml version="1.0" encoding="utf-16"?>' + doctype + LINE.format("&ext;")
    with pytest.raises(NmbrsResponseError, match="DOCTYPE|entity") as err:
        parse_wage_code_report(text, operation="wage codes", company_id=3)
    assert "passwd" not in str(err.value) and err.value.company_id == 3


def test_an_undeclared_entity_is_not_well_formed():
    with pytest.raises(NmbrsResponseError, match="not well-formed"):
        parse_wage_code_report(LINE.format("&ext;"))


def test_character_references_still_read():
    rows = parse_wage_code_report(LINE.format("Vakantiegeld &amp; 13e maand &#233;"))
    assert rows[0]["description"] == "Vakantiegeld & 13e maand é"
