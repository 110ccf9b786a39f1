"""The status page's rows and HTML from a real exchange history in PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from payroll_link.overview import model, render
from payroll_link.overview.model import Failure, soap_days_left, today_in_amsterdam
from tests.payroll_link.overview.history import AUTH_ERROR, leaks, personal_values

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
TODAY = dt.date(2026, 11, 29)


class Text(HTMLParser):
    """The visible text of a page, cells separated by ' | '."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.feed(page)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("td", "th", "br"):
            self.parts.append(" | ")

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


@pytest.fixture(scope="module")
def rows(history, warehouse_engine):
    run, _ = history
    with warehouse_engine.connect() as conn:
        return model.employer_rows(conn, [run.bakkerij, run.hoekstra], TODAY)


def test_soap_days_left_counts_to_the_first_of_march_2027():
    assert soap_days_left("soap", dt.date(2026, 11, 29)) == 92  # 2 + 31 + 31 + 28
    assert soap_days_left("soap", dt.date(2027, 2, 28)) == 1
    assert soap_days_left("rest", dt.date(2026, 11, 29)) is None


def test_today_is_taken_in_amsterdam_not_utc():
    late_evening_utc = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)  # 00:30 in Amsterdam
    assert today_in_amsterdam(late_evening_utc) == dt.date(2026, 11, 30)
    summer = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)  # CEST: 00:30 on 1 July
    assert today_in_amsterdam(summer) == dt.date(2026, 7, 1)


def test_row_shows_last_delivery_quality_next_period_and_open_failure(rows, history):
    run, _ = history
    bakkerij = rows[0]
    last = run.deliveries[-1]
    assert (bakkerij.last_delivered["period"], bakkerij.last_delivered["version"],
            bakkerij.last_delivered["receipt_id"]) == ("2026-10", 1, last["receipt_id"])
    assert bakkerij.quality["quality_run_id"] is not None
    assert str(bakkerij.quality["quality_run_id"]) == run.quality[1]["quality_run_id"]
    assert bakkerij.quality["passed"] is True
    assert bakkerij.next_period.label == "2026-11"
    assert bakkerij.source == "soap" and bakkerij.soap_days_left == 92
    assert bakkerij.failures == [Failure("2026-11", "extraction", *AUTH_ERROR)]


def test_quality_gate_stop_is_an_open_failure_with_rule_counts(rows, history):
    run, _ = history
    hoekstra = rows[1]
    assert hoekstra.last_delivered is None
    assert hoekstra.next_period.label == "2026-09"  # nothing delivered: the catch-up start
    [failure] = hoekstra.failures
    summary = run.quality[2]
    assert (failure.period, failure.stage, failure.error_class) == \
        ("2026-10", "quality", "QualityGateError")
    assert failure.message.startswith(f"{summary['errors']} error rules failed: ")
    assert "identity.bsn_11_proef (1)" in failure.message


def test_page_lists_each_employer_with_its_state_and_links(rows, history):
    run, _ = history
    page = render.overview_page("/koppeling", rows, TODAY)
    text = Text(page).text
    for emp in (run.bakkerij, run.hoekstra):
        assert f"href='/koppeling/employer/{emp.employer_id}'" in page
    assert f"href='/koppeling/quality/{run.quality[1]['quality_run_id']}/'" in page
    assert "2026-10 v1 | receipt " + run.deliveries[-1]["receipt_id"] in text
    assert "SOAP 92 days left | until 2027-03-01" in text
    assert "2026-11 extraction: NmbrsAuthError" in text
    assert "<script" not in page and "http" not in page


def test_detail_view_lists_the_periods_with_the_ledger(history, warehouse_engine):
    run, _ = history
    with warehouse_engine.connect() as conn:
        periods = model.period_rows(conn, run.bakkerij)
        row = model.employer_rows(conn, [run.bakkerij], TODAY)[0]
    assert [p.period for p in periods] == ["2026-11", "2026-10", "2026-09"]
    text = Text(render.employer_page("/koppeling", row, periods)).text
    [kept], [delivered] = run.baselines, run.deliveries
    assert delivered["receipt_id"] and delivered["version"] == 1
    assert f"* v1 delivered receipt {delivered['receipt_id']}, {delivered['stands']} stands" in text
    for kind, count in delivered["mutations"].items():
        assert f"{kind} {count}" in text
    assert delivered["mutations"].get("exchange_start") == delivered["stands"]  # first delivered
    by_label = {p.period: p for p in periods}
    assert by_label["2026-09"].deliveries == [] and by_label["2026-10"].baseline is None
    assert "2026-09 | published, " in text
    assert ("baseline kept, before first exchange date 2026-10-01: not sent, "
            f"{kept['stands']} stands") in text
    assert "2026-11 | failed | " in text and "| 2026-11 extraction: NmbrsAuthError" in text


def test_baseline_period_is_shown_on_the_row_while_nothing_is_delivered(history,
                                                                        warehouse_engine):
    run, _ = history
    with warehouse_engine.connect() as conn:
        [row] = model.employer_rows(conn, [run.bakkerij], TODAY)
    assert (row.baseline["period"], row.baseline["stands"]) == \
        ("2026-09", run.baselines[0]["stands"])
    assert "baseline kept" not in Text(render.overview_page("/koppeling", [row], TODAY)).text
    # Before 2026-10 was delivered, the row showed the baseline and 2026-10 as due.
    waiting = model.EmployerRow(row.employer, row.source, row.soap_days_left, None, row.quality,
                                model.next_period(row.employer, None, row.baseline), [],
                                row.baseline)
    text = Text(render.overview_page("/koppeling", [waiting], TODAY)).text
    assert ("nothing yet | 2026-09: baseline kept, before first exchange date | "
            "first exchange 2026-10-01, not sent") in text
    assert waiting.next_period.label == "2026-10"


def test_names_and_messages_are_escaped(history, warehouse_engine):
    run, _ = history
    hostile = run.bakkerij.model_copy(update={"company_name": "<script>alert(1)</script>"})
    with warehouse_engine.connect() as conn:
        rows = model.employer_rows(conn, [hostile], TODAY)
    page = render.overview_page("/koppeling", rows, TODAY)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_carry_no_bsn_iban_or_amount(history, warehouse_engine, rows):
    run, _ = history
    values = personal_values(warehouse_engine, run.extraction_ids)
    assert len(values["bsn"]) > 10 and len(values["iban"]) > 10 and len(values["amount"]) > 10
    probe = (f"<td>{min(values['bsn'])}</td><td>{min(values['iban'])}</td>"
             f"<td>{min(values['amount']).replace('.', ',')}</td>")
    assert len(leaks(probe, values)) == 3  # the scan finds each kind when it is there
    with warehouse_engine.connect() as conn:
        pages = [render.overview_page("/koppeling", rows, TODAY)] + [
            render.employer_page("/koppeling", row, model.period_rows(conn, row.employer))
            for row in rows]
    for page in pages:
        assert leaks(page, values) == []


def test_queries_read_only_the_ops_schema():
    import ast
    import inspect

    from payroll_link.overview import queries

    tree = ast.parse(inspect.getsource(queries))
    sql = " ".join(node.value.lower() for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and node is not tree.body[0].value)
    tables = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\.", sql))
    assert tables == {"ops"}, tables
