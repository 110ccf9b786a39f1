"""The SOAP source against every answer shape the simulator knows: same canonical rows."""

from __future__ import annotations

import pytest

from nmbrs.client import NmbrsResponseError
from nmbrs.client.shapes import read
from payroll_link.extraction.sources.soap import NmbrsSoapSource
from payroll_link.periods import get_period
from simulators.nmbrs_sim.shapes import PROFILES

pytestmark = pytest.mark.simulator

BAKKERIJ = "koppeling@bakkerijvandenberg.nl"
COMPANY = 2001
PERIOD = get_period("monthly", 2026, 10)
# Columns the v2.1 (2020) SVW shape does not carry: WAB 2020 additions.
SVW_2020_ABSENT = {"employment_type", "phase_classification", "employment_sequence_tax_id"}


def _rows(source, employee_ids, operation):
    out = {}
    for employee_id in employee_ids:
        for fetched in source.employee_records(employee_id, COMPANY, PERIOD):
            if fetched.operation == operation:
                out[employee_id] = fetched
    return out


@pytest.fixture
def source(make_client):
    return NmbrsSoapSource(make_client(BAKKERIJ))


@pytest.fixture
def employee_ids(source):
    return [row["employee_id"] for row in source.employees(COMPANY).rows][:6]


@pytest.mark.parametrize("operation,shape", [(op, shape) for op, shapes in PROFILES.items()
                                             for shape in shapes[1:]])
def test_every_shape_profile_reads_into_the_same_canonical_rows(
        nmbrs_sim, source, employee_ids, operation, shape):
    best = _rows(source, employee_ids, operation)
    nmbrs_sim.state.knobs.update({"shapes": {operation: shape}})
    other = _rows(source, employee_ids, operation)
    assert any(f.rows for f in best.values()), "the default shape must carry rows to compare"
    for employee_id, fetched in other.items():
        expected = best[employee_id].rows
        if shape == "v2.1-2020":
            expected = [{k: (None if k in SVW_2020_ABSENT else v) for k, v in row.items()}
                        for row in expected]
            missing = {d.element.rsplit("/", 1)[-1] for d in fetched.drift
                       if d.kind == "missing"}
            assert missing == {"EmploymentType", "PhaseClassification",
                               "EmploymentSequenceTaxId"}
        assert fetched.rows == expected, (operation, shape, employee_id)
        assert [d.kind for d in best[employee_id].drift] == []


def test_a_v21_svw_answer_is_recorded_as_a_shape_drift(nmbrs_sim, source, employee_ids):
    nmbrs_sim.state.knobs.update({"shapes": {"SVW_GetCurrent": "v2.1-2020"}})
    fetched = _rows(source, employee_ids[:1], "SVW_GetCurrent")[employee_ids[0]]
    assert ("shape", "v2.1-2020") in {(d.kind, d.element) for d in fetched.drift}


def test_standard_asmx_contract_wrapper_yields_contracts(nmbrs_sim, source, employee_ids):
    nmbrs_sim.state.knobs.update({"shapes": {"Contract_GetCurrentPeriod": "asmx-result"}})
    contracts = _rows(source, employee_ids, "Contract_GetCurrentPeriod")
    assert sum(len(f.rows) for f in contracts.values()) >= len(employee_ids)


ENVELOPE = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>{}'
            "</s:Body></s:Envelope>")
NS = 'xmlns="https://api.nmbrs.nl/soap/v3/EmployeeService"'


def test_an_unknown_result_element_fails_naming_call_and_element():
    wire = ENVELOPE.format(f"<Schedule_GetCurrentResponse {NS}><ScheduleThing><HoursMonday>8"
                           "</HoursMonday></ScheduleThing></Schedule_GetCurrentResponse>")
    with pytest.raises(NmbrsResponseError, match=r"<ScheduleThing>.*Schedule_GetCurrent"):
        read("EmployeeService", "Schedule_GetCurrent", wire.encode())


def test_a_doctype_in_an_answer_is_refused():
    wire = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
            + ENVELOPE.format(f"<Partner_GetResponse {NS}/>"))
    with pytest.raises(NmbrsResponseError, match="DOCTYPE"):
        read("EmployeeService", "Partner_Get", wire.encode())


def test_values_that_do_not_fit_are_drift_not_silent_nulls():
    wire = ENVELOPE.format(
        f"<Schedule_GetCurrentResponse {NS}><Schedule_GetCurrentResult><HoursMonday>acht"
        "</HoursMonday><Mood>1</Mood></Schedule_GetCurrentResult></Schedule_GetCurrentResponse>")
    reading = read("EmployeeService", "Schedule_GetCurrent", wire.encode())
    kinds = {(kind, element.rsplit("/", 1)[-1]) for kind, element, _ in reading.drift}
    assert ("unreadable", "HoursMonday") in kinds and ("unmapped", "Mood") in kinds
    assert ("missing", "HoursTuesday") in kinds
    assert reading.value["HoursMonday"] is None
