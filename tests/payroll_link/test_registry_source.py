"""The registry's per-employer source (soap | rest) and REST ids."""

from __future__ import annotations

import pytest
import yaml

from payroll_link.registry import Employer, load_registry, save_registry
from tests.payroll_link.test_registry import REPO_REGISTRY, entry, write

COMPANY_UUID = "ef8df7a4-aa75-5f4d-8f55-f91bf349fb72"
DEBTOR_UUID = "d20d123c-6b10-5082-9e1f-5581f083816e"
REST = {"source": "rest", "rest_company_id": COMPANY_UUID, "rest_debtor_id": DEBTOR_UUID,
        "rest_conn_id": "nmbrs_rest_acme"}


def test_source_defaults_to_soap_and_is_not_written_back(tmp_path):
    path = write(tmp_path, [entry()])
    [employer] = load_registry(path).employers
    assert employer.source == "soap" and employer.rest_company_id is None
    save_registry(path, [employer])
    assert "source:" not in path.read_text()


def test_rest_entry_loads_and_round_trips(tmp_path):
    path = write(tmp_path, [entry(**REST)])
    [employer] = load_registry(path).employers
    assert (employer.source, employer.rest_company_id, employer.rest_conn_id) == (
        "rest", COMPANY_UUID, "nmbrs_rest_acme")
    save_registry(path, [employer])
    saved = yaml.safe_load(path.read_text())["employers"][0]
    assert saved["source"] == "rest" and saved["rest_debtor_id"] == DEBTOR_UUID
    assert load_registry(path).employers == [employer]


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"source": "graphql"}, "source", "'soap' or 'rest'"),
        ({"rest_company_id": None}, "rest_company_id", "required when source is 'rest'"),
        ({"rest_conn_id": None}, "rest_conn_id", "required when source is 'rest'"),
        ({"rest_company_id": "2001"}, "rest_company_id", "pattern"),
        ({"rest_debtor_id": DEBTOR_UUID.upper()}, "rest_debtor_id", "pattern"),
        ({"rest_conn_id": "bad conn"}, "rest_conn_id", "pattern"),
        ({"account_mode": "umbrella", "rest_debtor_id": None}, "rest_debtor_id", "umbrella"),
    ],
)
def test_broken_rest_entry_names_entry_and_field(tmp_path, bad, field, words):
    good = entry(employer_id="first_one", nmbrs_company_id=1)
    broken = entry(nmbrs_company_id=2, **{**REST, **bad})
    result = load_registry(write(tmp_path, [good, broken]))
    assert [e.employer_id for e in result.employers] == ["first_one"]
    [error] = result.errors
    assert error.index == 1 and field in error.fields
    assert words in str(error) and "employer_id 'acme_bv'" in str(error)


def test_soap_employer_may_carry_rest_ids_before_it_switches(tmp_path):
    employer = Employer.model_validate(entry(**{**REST, "source": "soap"}))
    assert employer.source == "soap" and employer.rest_company_id == COMPANY_UUID


def test_duplicate_rest_company_id_is_an_error_for_the_later_entry(tmp_path):
    one = entry(employer_id="first_one", nmbrs_company_id=1, **REST)
    two = entry(employer_id="second_one", nmbrs_company_id=2, **REST)
    result = load_registry(write(tmp_path, [one, two]))
    [error] = result.errors
    assert error.index == 1 and error.fields == ("rest_company_id",)
    assert "already used by entry 0" in str(error)


def test_repo_registry_carries_the_rest_simulator_ids():
    by_id = {e.employer_id: e for e in load_registry(REPO_REGISTRY).employers}
    # uuid5(uuid5(NAMESPACE_URL, "nmbrs-simulator"), "company:2001"), computed by hand once
    assert by_id["bakkerij_van_den_berg"].rest_company_id == COMPANY_UUID
    assert by_id["bakkerij_van_den_berg"].rest_debtor_id == DEBTOR_UUID
