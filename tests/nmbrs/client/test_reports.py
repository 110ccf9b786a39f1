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


def test_entities_in_report_are_not_expanded():
    evil = ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><reports><report>'
            "<employeeid>1</employeeid><lines><line><code>1</code><description>&x;</description>"
            "<value>1</value></line></lines></report></reports>")
    rows = parse_wage_code_report(evil)
    assert "root:" not in rows[0]["description"]
