"""Rule SQL: the SQL identifier checks agree with the Python ones; queries compose for GX."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from payroll_link.quality.nl import (
    bsn_is_valid,
    iban_is_valid,
    postcode_is_valid,
    sql_bsn_valid,
    sql_iban_valid,
    sql_postcode_valid,
)
from payroll_link.quality.sql import literal, needed_ctes, outcome_query, unexpected_rows_query
from tests.payroll_link.quality.test_nl import (
    INVALID_BSN,
    INVALID_IBAN,
    INVALID_POSTCODE,
    VALID_BSN,
    VALID_IBAN,
    VALID_POSTCODE,
)

CASES = [
    (sql_bsn_valid, bsn_is_valid, VALID_BSN + INVALID_BSN),
    (sql_iban_valid, iban_is_valid, VALID_IBAN + INVALID_IBAN),
    (sql_postcode_valid, postcode_is_valid, VALID_POSTCODE + INVALID_POSTCODE),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("sql_check", "python_check", "values"), CASES,
                         ids=["bsn", "iban", "postcode"])
def test_sql_identifier_check_agrees_with_python(warehouse_engine, sql_check, python_check,
                                                 values):
    query = text(f"select v, {sql_check('v')} from unnest(cast(:values as text[])) as t(v)")
    with warehouse_engine.connect() as conn:
        verdicts = dict(conn.execute(query, {"values": values}).all())
    assert verdicts == {value: python_check(value) for value in values}


def test_literals_quote_text_and_refuse_other_types():
    assert literal("O'Brien") == "'O''Brien'"
    assert literal(["male", "female"]) == "array['male', 'female']::text[]"
    assert literal([1, 2]) == "array[1, 2]"
    assert literal(None) == "null"
    with pytest.raises(ValueError):
        literal(float("nan"))
    with pytest.raises(TypeError):
        literal(object())


def test_only_the_ctes_a_check_names_are_included():
    assert needed_ctes("select 1 from staff") == ["x", "listed", "jobs", "active", "staff"]
    assert needed_ctes("select 1 from prev_salary_at_end") == [
        "x", "prev_x", "prev_salaries", "prev_salary_spans", "prev_salary_at_end"]


def test_gx_query_doubles_literal_braces_and_marks_the_batch():
    check = f"select p.employee_id as key, {sql_bsn_valid('p.bsn')} as ok from pinfo p"
    values = {"xid": "'00000000-0000-0000-0000-000000000000'::uuid"}
    gx_text = unexpected_rows_query(check, values, "employee_id")
    assert "from {batch} b join ops.extraction e" in gx_text
    assert "{{8,9}}" in gx_text and gx_text.count("{batch}") == 1
    assert gx_text.format(batch="ops.extraction") == (
        outcome_query(check, values).split("\nselect count(*)")[0]
        + "\nselect key as employee_id from checked where ok is not true")


def test_importing_the_quality_package_does_not_import_great_expectations():
    code = ("import sys, payroll_link.quality, payroll_link.quality.gate; "
            "sys.exit('great_expectations' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
