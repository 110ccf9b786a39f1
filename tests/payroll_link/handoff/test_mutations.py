"""Mutations derived from two consecutive stands: every kind, first delivery, ids and order."""

from __future__ import annotations

import copy
import datetime as dt

from payroll_link.handoff.fields import project
from payroll_link.handoff.mutations import KINDS, count_by_kind, derive_mutations
from payroll_link.handoff.stand import build_stands
from tests.payroll_link.handoff.synthetic import MONTH, employee, employer, inputs, settings


def stands_of(period_inputs, emp=None):
    emp = emp or employer()
    chosen = settings(emp)
    return [project(s, chosen.field_set) for s in build_stands(period_inputs, emp, MONTH, chosen)]


def derive(before, after, history=None):
    rows = history if history is not None else after.rows["employment"]
    return derive_mutations(stands_of(after), stands_of(before), rows, MONTH)[0]


def kinds(mutations):
    return [(m["employee_id"], m["kind"]) for m in mutations]


def test_first_delivery_starts_the_exchange_for_every_stand_not_a_hire():
    rows = inputs(employee(101), employee(102, end=dt.date(2026, 10, 20)),
                  employee(103, start=dt.date(2026, 10, 12)))  # hired inside the period
    mutations, unexplained = derive_mutations(stands_of(rows), None, rows.rows["employment"],
                                              MONTH)
    assert kinds(mutations) == [(101, "exchange_start"), (102, "exchange_start"), (102, "exit"),
                                (103, "exchange_start"), (103, "hire")]
    start = mutations[0]
    assert start["effective_date"] == "2026-10-01" and not start["is_retroactive"]
    assert start["new"] == {"start_date": "2020-01-01"} and start["old"] is None
    assert mutations[-1]["effective_date"] == "2026-10-12"
    assert unexplained == 0


def test_unchanged_stands_give_no_mutations():
    rows = inputs(employee(101, partner=True, children=(dt.date(2015, 1, 1),)))
    assert derive(rows, copy.deepcopy(rows)) == []


def test_each_kind_is_derived_from_its_own_change():
    before = employee(105, partner=False, children=(dt.date(2015, 1, 1),))  # not the DGA
    after = copy.deepcopy(before)
    after["salary"].append({**after["salary"][0], "salary_id": 2, "value": 3300,
                            "start_date": dt.date(2026, 10, 1)})
    after["contract"][0].update(hours_per_week=30, start_date=dt.date(2026, 10, 1))
    after["address"][0]["street"] = "Nieuwe Straat"
    after["partner"] = employee(105, partner=True)["partner"]
    after["child"] += employee(105, children=(dt.date(2015, 1, 1), dt.date(2026, 10, 3)))[
        "child"][1:]
    after["svw"][0]["employment_type"] = 17
    after["personal_info"][0]["birth_date"] = dt.date(1980, 1, 1)
    found = derive(inputs(before), inputs(after))
    assert [m["kind"] for m in found] == ["salary_change", "part_time_change", "address_change",
                                          "partner_change", "child_added", "dga_change",
                                          "personal_data_correction"]
    by_kind = {m["kind"]: m for m in found}
    assert by_kind["salary_change"]["old"]["amount"] == "3000.00"
    assert by_kind["salary_change"]["new"]["amount"] == "3300.00"
    assert by_kind["salary_change"]["effective_date"] == "2026-10-01"
    assert by_kind["part_time_change"]["new"] == {"part_time_factor": "0.7895",
                                                  "hours_per_week": "30.00"}
    assert by_kind["child_added"]["effective_date"] == "2026-10-03"
    assert by_kind["personal_data_correction"]["new"] == {"birth_date": "1980-01-01"}


def test_a_part_time_change_is_not_also_a_salary_change():
    before = employee(101)
    after = copy.deepcopy(before)
    after["contract"][0]["hours_per_week"] = 19
    assert [m["kind"] for m in derive(inputs(before), inputs(after))] == ["part_time_change"]


def test_hire_exit_and_rehire_against_the_previous_stands():
    old_job = employee(103, start=dt.date(2019, 1, 1), end=dt.date(2024, 6, 30))["employment"]
    before = inputs(employee(101), employee(102))
    after = inputs(employee(101), employee(102, end=dt.date(2026, 10, 31)),
                   employee(103, start=dt.date(2026, 10, 5)),
                   employee(104, start=dt.date(2026, 10, 1)))
    history = after.rows["employment"] + old_job
    old_job[0]["employment_id"] = 1030
    found = derive(before, after, history)
    assert kinds(found) == [(102, "exit"), (103, "rehire"), (104, "hire")]
    assert found[0]["new"] == {"end_date": "2026-10-31", "end_reason": None}


def test_an_exit_keyed_in_late_is_a_retroactive_exit():
    before = inputs(employee(101), employee(102))
    after = inputs(employee(101))
    history = after.rows["employment"] + employee(102, end=dt.date(2026, 9, 20))["employment"]
    found = derive(before, after, history)
    assert kinds(found) == [(102, "exit")]
    assert found[0]["effective_date"] == "2026-09-20" and found[0]["is_retroactive"]


def test_a_vanished_running_employment_is_counted_not_invented():
    before = inputs(employee(101), employee(102))
    after = inputs(employee(101))
    found, unexplained = derive_mutations(stands_of(after), stands_of(before),
                                          after.rows["employment"], MONTH)
    assert found == [] and unexplained == 1


def test_ids_are_deterministic_and_order_is_employee_then_kind():
    before = inputs(employee(102), employee(101))
    after_a, after_b = copy.deepcopy(before), copy.deepcopy(before)
    for rows in (after_a, after_b):
        for row in rows.rows["address"]:
            row["street"] = "Elders"
        for row in rows.rows["salary"]:
            row["value"] = 4000
    first, second = derive(before, after_a), derive(before, after_b)
    assert first == second
    assert [m["mutation_id"] for m in first] == [
        "2026-10.101.1011.salary_change", "2026-10.101.1011.address_change",
        "2026-10.102.1021.salary_change", "2026-10.102.1021.address_change"]


def test_only_fields_the_product_carries_are_compared():
    emp = employer(product="income_insurance")
    before = employee(101)
    after = copy.deepcopy(before)
    after["address"][0]["street"] = "Elders"  # income insurance does not carry the address
    after["personal_info"][0]["bsn"] = "111222333"
    old = stands_of(inputs(before), emp)
    new = stands_of(inputs(after), emp)
    assert derive_mutations(new, old, [], MONTH)[0] == []


def test_counts_follow_the_catalogue_order():
    mutations = [{"kind": "exit"}, {"kind": "hire"}, {"kind": "exit"}]
    assert list(count_by_kind(mutations).items()) == [("hire", 1), ("exit", 2)]
    assert KINDS[:2] == ("exchange_start", "hire") and len(KINDS) == 11
