"""The message: schema (draft 2020-12), validation without values, hash, ids and bytes."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from payroll_link.handoff.build import compose
from payroll_link.handoff.errors import MessageInvalidError
from payroll_link.handoff.message import (
    content_hash,
    encode,
    idempotency_key,
    with_version,
)
from payroll_link.handoff.schema import (
    SCHEMA_PATH,
    fast_check,
    problems_of,
    reference_problems,
    validate,
)
from tests.payroll_link.handoff.synthetic import MONTH, employee, employer, inputs, settings

XID = "0f8b3c52-6d0e-4a51-9c1e-2b7d4e6f8a90"


def message(emp=None, **options):
    emp = emp or employer()
    rows = inputs(employee(101, partner=True), employee(102), employee(103))
    return compose(rows, emp, MONTH, XID, settings(emp), None, **options)[0]


def test_schema_file_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


def test_a_built_message_is_valid_and_its_top_level_is_fixed():
    built = message()
    validate(built)
    assert list(built) == ["schema", "message", "employer", "stands", "mutations", "summary"]
    assert built["summary"] == {"stands": 3, "mutations": {"exchange_start": 3}}


def test_an_invalid_message_names_paths_and_rules_never_values():
    broken = message()
    secret_bsn = broken["stands"][1]["identity"]["bsn"]
    broken["stands"][1]["identity"]["bsn"] = secret_bsn + "X"
    del broken["stands"][2]["identity"]["birth_date"]
    with pytest.raises(MessageInvalidError) as caught:
        validate(broken, employer_id="synthetic_bv", period="2026-10", version=1)
    text = str(caught.value)
    assert secret_bsn not in text and "Voornaam" not in text
    assert ("$.stands[1](employee 102).identity.bsn", "pattern") in caught.value.problems
    assert ("$.stands[2](employee 103).identity", "required") in caught.value.problems
    assert caught.value.employer_id == "synthetic_bv"


def test_income_insurance_message_with_a_bsn_is_invalid_dq18():
    emp = employer(product="income_insurance")
    built = message(emp)
    validate(built)
    built["stands"][0]["identity"]["bsn"] = "123456782"
    assert ("$.stands[0](employee 101).identity", "not_allowed") in problems_of(built)


def test_a_correction_must_name_the_version_it_replaces():
    built = message()
    validate(with_version(built, employer(), MONTH, 2, 1))
    bad = copy.deepcopy(built)
    bad["message"].update(kind="correction", version=2, replaces_version=None)
    assert problems_of(bad)


def _broken_variants(base: dict):
    """Yield messages broken in one place each (and a few valid edits)."""
    edits = [
        lambda m: m.pop("summary"),
        lambda m: m.update(extra=1),
        lambda m: m["message"].update(version=0),
        lambda m: m["message"].update(version=True),
        lambda m: m["message"].update(product="life"),
        lambda m: m["employer"].update(nmbrs_company_id="2001"),
        lambda m: m["employer"].update(nmbrs_company_id=2001.0),  # valid: integral float
        lambda m: m["employer"]["period"].update(start="2026-13-01"),
        lambda m: m["employer"].update(content_hash="sha256:abc"),
        lambda m: m["stands"][0].update(dga=1),
        lambda m: m["stands"][0].update(address=None),  # valid
        lambda m: m["stands"][0]["address"].update(country="nl"),
        lambda m: m["stands"][0]["contract"].update(part_time_factor="0.75"),
        lambda m: m["stands"][0]["contract"].update(hours_source="guess"),
        lambda m: m["stands"][0]["salary"].update(annualisation_factor=12.0),  # valid (1 == 1.0)
        lambda m: m["stands"][0]["salary"].update(annualisation_factor=True),
        lambda m: m["stands"][0]["salary"].update(amount="12,50"),
        lambda m: m["stands"][0]["pensionable"]["components"][0].pop("code"),
        lambda m: m["stands"][0]["children"].append({"child_id": "x"}),
        lambda m: m["stands"][0].update(quality_warnings=["DQ1", "DQ1"]),
        lambda m: m["stands"][0]["identity"].update(last_name=""),
        lambda m: m["stands"][0]["identity"].update(prefix="x" * 21),
        lambda m: m["stands"][0]["partner"].update(gender="m"),
        lambda m: m["mutations"][0].update(kind="promotion"),
        lambda m: m["mutations"][0].update(mutation_id="2026-10.101.1011.hire.x"),
        lambda m: m["summary"]["mutations"].update(hire=0),
        lambda m: m["message"].update(history="no"),
        lambda m: m["stands"][0]["address"].update(postal_code="1234 AB"),
        lambda m: m["stands"][0]["pensionable"]["components"][0].update(source="company_fixed"),
        lambda m: m["stands"][0]["pension_base"].update(base="12.5"),
        lambda m: m["stands"][0]["pension_base"].pop("franchise"),
        lambda m: m["stands"][0]["employment"].update(days_in_service=-1),
        lambda m: m["mutations"][0].update(kind="exchange_begin"),
        lambda m: m["message"].pop("history"),
        lambda m: m["summary"]["mutations"].update(bonus=1),
        lambda m: m["stands"].append("not a stand"),
    ]
    for index, edit in enumerate(edits):
        variant = copy.deepcopy(base)
        edit(variant)
        yield index, variant


def test_fast_check_agrees_with_jsonschema_on_valid_and_broken_messages():
    base = message()
    assert fast_check()(base) and not reference_problems(base)
    for index, variant in _broken_variants(base):
        assert fast_check()(variant) == (not reference_problems(variant)), index


@pytest.mark.parametrize("edit", [
    lambda m: m["stands"][0]["address"].update(postal_code="1234 AB"),  # DQ4 form for NL
    lambda m: m["stands"][0]["pensionable"]["components"][0].update(source="company_fixed"),
    lambda m: m["stands"][0]["pension_base"].update(base="12.5"),
    lambda m: m["stands"][0]["pension_base"].pop("franchise"),
    lambda m: m["mutations"][0].update(kind="exchange_begin"),
    lambda m: m["message"].pop("history"),
])
def test_v2_refuses_what_an_administrator_cannot_use(edit):
    variant = message()
    edit(variant)
    assert reference_problems(variant) and not fast_check()(variant)


def test_content_hash_ignores_extraction_and_version_but_not_content():
    built = message()
    other_run = copy.deepcopy(built)
    other_run["employer"]["extraction_id"] = "11111111-2222-3333-4444-555555555555"
    assert content_hash(with_version(other_run, employer(), MONTH, 3, 2)) == \
        built["employer"]["content_hash"]
    changed = copy.deepcopy(built)
    changed["stands"][0]["salary"]["amount"] = "1.00"
    assert content_hash(changed) != built["employer"]["content_hash"]


def test_same_inputs_give_byte_identical_messages():
    assert encode(message()) == encode(message())
    assert encode(message()).endswith(b"}\n")


def test_ids_name_employer_period_and_version():
    built = message(version=2, replaces_version=1)
    assert built["message"]["message_id"] == "ASR-WG-999001.2026-10.v2"
    assert built["message"]["kind"] == "correction"
    digest = built["employer"]["content_hash"]
    assert idempotency_key("synthetic_bv", "2026-10", 2, digest) == \
        f"synthetic_bv.2026-10.v2.{digest[7:39]}"
