"""Server-rendered HTML of the overview (no JavaScript, no external assets, every value escaped).

``base`` is the path the web app is mounted at (e.g. ``/koppeling``); links are built from it.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import quote

from payroll_link.overview.model import AMSTERDAM, SOAP_END, EmployerRow, Failure, PeriodRow

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.2em;color:#1d2530;font-size:14px}
h1{font-size:1.4em;margin:0 0 .3em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d0d5dd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}.ok{color:#17692a}.bad{color:#a4161a;font-weight:600}
.warn{color:#8a5a00}.muted{color:#6b7280}.fail{background:#fff1f0}a{color:#0b57d0}
.small{font-size:90%}
"""


def _page(title: str, body: str) -> str:
    return ("<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>")


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")


def _source(row: EmployerRow) -> str:
    if row.soap_days_left is None:
        return escape(row.source.upper())
    css = "bad" if row.soap_days_left < 90 else "warn" if row.soap_days_left < 180 else ""
    return (f"SOAP <span class='{css}'>{row.soap_days_left} days left</span>"
            f"<br><span class='muted small'>until {SOAP_END.isoformat()}</span>")


def _delivered(row: EmployerRow) -> str:
    last, kept = row.last_delivered, row.baseline
    if kept and (not last or kept["period_start"] > last["period_start"]):
        shown = (f"<br><span class='warn small'>{escape(kept['period'])}: baseline kept, "
                 f"{escape(_reason(kept))}</span><br><span class='muted small'>first exchange "
                 f"{kept['first_exchange_date'].isoformat()}, not sent</span>")
    else:
        shown = ""
    if not last:
        return f"<span class='muted'>nothing yet</span>{shown}"
    return (f"{escape(last['period'])} v{int(last['version'])}<br><span class='small'>receipt "
            f"{escape(last['receipt_id'] or '-')}</span><br>"
            f"<span class='muted small'>{_when(last['delivered_at'])}</span>{shown}")


def _reason(baseline: dict) -> str:
    """The baseline's reason without the word baseline, e.g. ``before first exchange date``."""
    return str(baseline["action"]).removeprefix("baseline, ")


def quality_link(base: str, run: dict | None) -> str:
    """Return the verdict of a quality run, linked to its quality page."""
    if not run:
        return "<span class='muted'>no run</span>"
    verdict = ("<span class='ok'>passed</span>" if run["passed"]
               else "<span class='bad'>FAILED</span>")
    counts = f"{int(run['errors'] or 0)} errors, {int(run['warnings'] or 0)} warnings"
    href = f"{base}/quality/{quote(str(run['quality_run_id']))}/"
    return (f"<a href='{escape(href)}'>{verdict}</a> <span class='small'>"
            f"{escape(run['period'])}: {counts}</span>")


def _failures(failures: list[Failure]) -> str:
    if not failures:
        return "<span class='muted'>none</span>"
    return "<br>".join(
        f"<span class='bad'>{escape(f.period)} {escape(f.stage)}: {escape(f.error_class)}"
        f"</span> <span class='small'>{escape(f.message)}</span>" for f in failures)


def _employer_cells(base: str, row: EmployerRow) -> str:
    emp = row.employer
    due = row.next_period
    next_cell = (f"{escape(due.label)}<br><span class='muted small'>ends {due.end.isoformat()}"
                 "</span>" if due else "<span class='muted'>-</span>")
    link = f"{base}/employer/{quote(emp.employer_id)}"
    return (f"<td><a href='{escape(link)}'>{escape(emp.employer_id)}</a><br>"
            f"<span class='small'>{escape(emp.company_name)}</span></td>"
            f"<td>{escape(emp.status)}<br><span class='muted small'>{escape(emp.frequency)}, "
            f"{escape(emp.product)}</span></td><td>{_source(row)}</td>"
            f"<td>{_delivered(row)}</td><td>{quality_link(base, row.quality)}</td>"
            f"<td>{next_cell}</td><td>{_failures(row.failures)}</td>")


def overview_page(base: str, rows: list[EmployerRow], today: dt.date,
                  rejected: list[str] | None = None) -> str:
    """Return the page: one row per employer (and the registry entries that were rejected)."""
    body = "".join(f"<tr class='{'fail' if row.failures else ''}'>"
                   f"{_employer_cells(base, row)}</tr>" for row in rows)
    broken = "".join(f"<li>{escape(entry)}</li>" for entry in rejected or [])
    if broken:
        broken = (f"<p class='bad'>{len(rejected)} registry entries rejected (no DAG):</p>"
                  f"<ul class='small'>{broken}</ul>")
    return _page("Salariskoppeling", (
        "<h1>Salariskoppeling</h1><p class='muted'>Nmbrs &rarr; a.s.r. exchange per employer "
        f"(today {today.isoformat()}, Europe/Amsterdam)</p>{broken}<table><tr><th>employer</th>"
        "<th>state</th><th>source</th><th>last delivered</th><th>quality (latest run)</th>"
        f"<th>next period due</th><th>open failures</th></tr>{body}</table>"))


def _extraction(row: dict | None) -> str:
    if not row:
        return "<span class='muted'>-</span>"
    employees = f", {int(row['employees'])} employees" if row["employees"] is not None else ""
    return (f"{escape(row['status'])}{employees}<br>"
            f"<span class='muted small'>{_when(row['finished_at'] or row['started_at'])}</span>")


def _delivery(row: dict) -> str:
    mutations = ", ".join(f"{escape(str(k))} {int(v)}" for k, v in (row["mutations"] or {}).items())
    marker = "* " if row["in_force"] else ""
    return (f"{marker}v{int(row['version'])} {escape(row['status'])} "
            f"<span class='small'>receipt {escape(row['receipt_id'] or '-')}, "
            f"{int(row['stands'])} stands, mutations: {mutations or 'none'}, "
            f"{_when(row['delivered_at'] or row['last_attempt_at'])}</span>")


def _baseline(row: dict | None) -> str:
    if not row:
        return ""
    builds = int(row["builds"] or 1)
    kept = f", {builds} builds kept" if builds > 1 else ""
    return (f"<span class='warn'>baseline kept, {escape(_reason(row))}</span> <span "
            f"class='small'>{row['first_exchange_date'].isoformat()}: not sent, "
            f"{int(row['stands'])} stands{kept}, {_when(row['created_at'])}</span>")


def _ledger(period: PeriodRow) -> str:
    cells = [_baseline(period.baseline), *(_delivery(d) for d in period.deliveries)]
    return "<br>".join(cell for cell in cells if cell) or "-"


def employer_page(base: str, row: EmployerRow, periods: list[PeriodRow]) -> str:
    """Return an employer's detail view: its facts and one row per period (the ledger)."""
    body = "".join(
        f"<tr class='{'fail' if p.failures else ''}'><td>{escape(p.period)}</td>"
        f"<td>{_extraction(p.extraction)}</td><td>{quality_link(base, p.quality)}</td>"
        f"<td>{_ledger(p)}</td>"
        f"<td>{_failures(p.failures)}</td></tr>" for p in periods)
    emp = row.employer
    return _page(f"Salariskoppeling - {emp.employer_id}", (
        f"<p><a href='{escape(base)}/'>&larr; all employers</a></p>"
        f"<h1>{escape(emp.company_name)}</h1><table><tr>"
        "<th>employer</th><th>state</th><th>source</th><th>last delivered</th>"
        "<th>quality (latest run)</th><th>next period due</th><th>open failures</th></tr>"
        f"<tr>{_employer_cells(base, row)}</tr></table><h2>Periods</h2>"
        "<p class='muted small'>* = the version a.s.r. holds in force; a baseline is a period "
        "before the first exchange date, checked and kept, never sent</p><table><tr>"
        "<th>period</th><th>extraction</th><th>quality</th><th>deliveries (ledger)</th>"
        f"<th>open failures</th></tr>{body}</table>"))


def unavailable_page(what: str, error_class: str) -> str:
    """Return the page shown when the warehouse cannot be read (the class only, no URL)."""
    return _page("Salariskoppeling", (
        f"<h1>Salariskoppeling</h1><p class='bad'>{escape(what)} cannot be read right now "
        f"({escape(error_class)}).</p><p class='muted'>The pipeline's task logs and "
        "<code>koppeling status</code> say more.</p>"))
