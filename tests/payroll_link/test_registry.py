"""Tests for payroll_link.registry: validation per entry, duplicates, atomic save."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from payroll_link.registry import (
    Employer,
    RegistryError,
    dag_id_for,
    load_registry,
    save_registry,
)

REPO_REGISTRY = Path(__file__).resolve().parents[2] / "config" / "employers.yaml"


def entry(**overrides):
    """Return a valid realised monthly entry, with ``overrides`` applied (None deletes a key)."""
    base = {
        "employer_id": "acme_bv",
        "asr_reference": "ASR-1",
        "company_name": "Acme B.V.",
        "nmbrs_company_id": 3001,
        "nmbrs_debtor_id": 901,
        "account_mode": "per_debtor",
        "nmbrs_conn_id": "nmbrs_acme",
        "domain": "acme",
        "frequency": "monthly",
        "dga": None,
        "product": "pension",
        "status": "realised",
        "first_exchange_date": "2026-10-01",
        "backfill_start": "2026-08-01",
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None or key == "dga"}


def write(tmp_path: Path, entries) -> Path:
    path = tmp_path / "employers.yaml"
    path.write_text(yaml.safe_dump({"employers": entries}, sort_keys=False))
    return path


def test_repo_registry_loads_without_errors():
    result = load_registry(REPO_REGISTRY)
    assert result.errors == []
    ids = [employer.employer_id for employer in result.employers]
    assert "bakkerij_van_den_berg" in ids and "van_den_berg_banket" in ids
    assert {dag_id_for(e) for e in result.dag_employers} >= {
        "payroll_bakkerij_van_den_berg",
        "payroll_van_den_berg_banket",
    }
    assert all(e.status != "registered" for e in result.dag_employers)


def test_good_file_loads_typed_employers(tmp_path):
    result = load_registry(write(tmp_path, [entry(dga={"name": "A. Dga", "employee_number": 7})]))
    employer = result.employers[0]
    assert employer.first_exchange_date == dt.date(2026, 10, 1)
    assert employer.dga.employee_number == 7
    assert employer.delivery_conn_id == "asr_delivery"
    assert employer.catchup_start == dt.date(2026, 8, 1)
    assert dag_id_for(employer) == "payroll_acme_bv"


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"frequency": "weekly"}, "frequency", "'monthly' or 'four_weekly'"),
        ({"domain": None}, "domain", "required"),
        ({"employer_id": "Acme-BV"}, "employer_id", "pattern"),
        ({"backfill_start": "2026-11-01"}, "backfill_start", "after first_exchange_date"),
        ({"first_exchange_date": "2026-10-02"}, "first_exchange_date", "first day"),
        ({"first_exchange_date": None, "backfill_start": None}, "first_exchange_date", "required"),
        ({"colour": "blue"}, "colour", "Extra inputs"),
        ({"dga": {"name": "X"}}, "dga.employee_number", "required"),
    ],
)
def test_broken_entry_names_entry_and_field_while_others_load(tmp_path, bad, field, words):
    good_before = entry(employer_id="first_one", nmbrs_company_id=1)
    broken = entry(nmbrs_company_id=2, **bad)
    good_after = entry(employer_id="third_one", nmbrs_company_id=3)
    result = load_registry(write(tmp_path, [good_before, broken, good_after]))
    assert [e.employer_id for e in result.employers] == ["first_one", "third_one"]
    [error] = result.errors
    assert error.index == 1 and field in error.fields
    line = str(error)
    assert "entry 1" in line and field in line and words in line and "\n" not in line
    if "employer_id" not in bad:
        assert "employer_id 'acme_bv'" in line


def test_entry_that_is_not_a_mapping_is_an_entry_error(tmp_path):
    result = load_registry(write(tmp_path, ["just a string", entry()]))
    assert len(result.employers) == 1
    assert "entry 0" in str(result.errors[0]) and "mapping" in str(result.errors[0])


def test_duplicate_employer_id_is_an_error_for_the_later_entry(tmp_path):
    first = entry(nmbrs_company_id=1)
    second = entry(nmbrs_company_id=2, company_name="Other")
    result = load_registry(write(tmp_path, [first, second]))
    assert [e.nmbrs_company_id for e in result.employers] == [1]
    [error] = result.errors
    assert error.index == 1 and error.fields == ("employer_id",)
    assert "already used by entry 0" in str(error)


def test_duplicate_company_id_is_an_error_for_the_later_entry(tmp_path):
    result = load_registry(write(tmp_path, [entry(), entry(employer_id="acme_two")]))
    assert [e.employer_id for e in result.employers] == ["acme_bv"]
    assert result.errors[0].fields == ("nmbrs_company_id",)
    assert "3001" in str(result.errors[0])


def test_registered_employer_needs_no_exchange_date_and_gets_no_dag(tmp_path):
    registered = entry(status="registered", first_exchange_date=None, backfill_start=None)
    result = load_registry(write(tmp_path, [registered]))
    assert result.errors == [] and result.dag_employers == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("employers: [unclosed", "not valid YAML"),
        ("other: 1\n", "'employers:'"),
        ("employers: 5\n", "must be a list"),
    ],
)
def test_file_level_problems_raise_registry_error_naming_the_file(tmp_path, text, reason):
    path = tmp_path / "employers.yaml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=reason) as info:
        load_registry(path)
    assert str(path) in str(info.value)


def test_missing_file_raises_registry_error(tmp_path):
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "nope.yaml")


def test_save_round_trips_with_stable_field_order(tmp_path):
    employers = load_registry(REPO_REGISTRY).employers
    path = tmp_path / "saved.yaml"
    save_registry(path, employers)
    assert load_registry(path).employers == employers
    first_text = path.read_text()
    save_registry(path, load_registry(path).employers)
    assert path.read_text() == first_text
    keys = list(yaml.safe_load(first_text)["employers"][0])
    assert keys[:3] == ["employer_id", "asr_reference", "company_name"]
    assert "first_exchange_date: 2026-10-01" in first_text  # a YAML date, not a quoted string


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "employers.yaml"
    save_registry(path, [Employer.model_validate(entry())])
    before = path.read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    changed = Employer.model_validate(entry(company_name="Renamed B.V."))
    with pytest.raises(OSError, match="disk full"):
        save_registry(path, [changed])
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["employers.yaml"]  # no temp file left


def test_save_refuses_duplicates(tmp_path):
    one = Employer.model_validate(entry())
    with pytest.raises(RegistryError, match="already used"):
        save_registry(tmp_path / "x.yaml", [one, one])
