"""Checks on the payroll: employment, hours, salary, wage codes and completeness.

Each entry: name -> (SQL yielding key/ok rows, key kind, parameters); see ``checks_person``.
Snapshot entities (contract, schedule, SVW …) show the state at extraction time, history
entities (employment, salary, wage codes) the period: the populations below follow from that.
"""

from __future__ import annotations

_VALID_JOB = "(j.end_date is null or j.end_date >= j.start_date)"
_IN_PERIOD = ("sp.start_date <= x.p_end and (sp.next_start is null or "
              "(sp.next_start > x.p_start and sp.next_start > sp.start_date))")
_WEEK_HOURS = " + ".join(f"coalesce(h.hours_{day}, 0)" for day in (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
_WAGE_REPORT = "Reports_GetWageCodesByRunCompany_v2"
# The landed wage-code answers of either source: the SOAP report, the REST wage-code document.
_WAGE_LANDINGS = f"('{_WAGE_REPORT}', 'GetDocumentContentId')"
_RUN_KEY = "coalesce(c.request_keys ->> 'RunId', c.request_keys ->> 'run_id', c.id::text)"

CHECKS: dict[str, tuple[str, str, dict]] = {
    "employment_order": (
        f"select j.employee_id as key, {_VALID_JOB} as ok from jobs j "
        "join staff s on s.employee_id = j.employee_id",
        "employee_id", {}),
    "employment_overlap": (
        "select j.employee_id as key, k.employment_id is null as ok from jobs j join staff s on "
        "s.employee_id = j.employee_id left join jobs k on k.employee_id = j.employee_id and "
        "k.employment_id <> j.employment_id and (k.end_date is null or k.end_date >= "
        "k.start_date) and k.start_date <= coalesce(j.end_date, 'infinity') and j.start_date <= "
        f"coalesce(k.end_date, 'infinity') where {_VALID_JOB}",
        "employee_id", {}),
    # Listed employees whose latest valid employment started by the period end; employees
    # hired (or re-hired) after the period are listed in a backfill but rightly not employed.
    "employment_covers_period": (
        "with latest as (select j.employee_id, max(j.start_date) as start_date from jobs j "
        f"where {_VALID_JOB} group by j.employee_id) select l.employee_id as key, "
        "a.employee_id is not null as ok from listed l cross join x left join latest t on "
        "t.employee_id = l.employee_id left join active a on a.employee_id = l.employee_id "
        "where coalesce(t.start_date, x.p_start) <= x.p_end",
        "employee_id", {}),
    "hours_positive": (
        "select a.employee_id as key, c.hours_per_week > 0 as ok from active a join contracts c "
        "on c.employee_id = a.employee_id union all select a.employee_id, "
        f"({_WEEK_HOURS}) > 0 from active a join schedules h on h.employee_id = a.employee_id",
        "employee_id", {}),
    "parttime_factor": (
        "select a.employee_id as key, h.parttime_percentage / 100.0 > 0 and "
        "h.parttime_percentage / 100.0 <= :max_factor as ok from active a join schedules h on "
        "h.employee_id = a.employee_id where h.parttime_percentage is not null union all select "
        "a.employee_id, c.hours_per_week / :fulltime_hours > 0 and c.hours_per_week / "
        ":fulltime_hours <= :max_factor from active a join contracts c on c.employee_id = "
        "a.employee_id where c.hours_per_week is not null",
        "employee_id", {"max_factor": "number"}),
    "salary_present": (
        "with paid as (select distinct sp.employee_id from salary_spans sp cross join x where "
        f"{_IN_PERIOD}) select a.employee_id as key, p.employee_id is not null as ok from "
        "active a left join paid p on p.employee_id = a.employee_id",
        "employee_id", {}),
    "salary_non_negative": (
        "select sp.employee_id as key, sp.value >= 0 as ok from salary_spans sp join staff s on "
        f"s.employee_id = sp.employee_id cross join x where {_IN_PERIOD}",
        "employee_id", {}),
    "salary_annual_cap": (
        "select se.employee_id as key, se.value * :periods_per_year <= :cap as ok from "
        "salary_at_end se join active a on a.employee_id = se.employee_id where "
        "se.salary_type = any(:salary_types)",
        "employee_id", {"cap": "number", "salary_types": "number_list"}),
    "salary_change": (
        "select se.employee_id as key, abs(se.value - pe.value) <= :max_change * abs(pe.value) "
        "as ok from salary_at_end se join active a on a.employee_id = se.employee_id join "
        "prev_salary_at_end pe on pe.employee_id = se.employee_id and "
        "pe.salary_type is not distinct from se.salary_type",
        "employee_id", {"max_change": "number"}),
    "period_has_run": (
        "select null::bigint as key, exists (select 1 from runs) as ok",
        "employer", {}),
    "run_has_lines": (
        "select r.run_id as key, exists (select 1 from lines l where l.run_id = r.run_id) as ok "
        "from runs r",
        "run_id", {}),
    # Nmbrs' wage-code report has employee lines only, no company total: the per-run, per-code
    # totals of the staged lines are recomputed from the landed report (raw.call_payload), the
    # latest landing per run (a retried step lands again; duplicated staging then shows up).
    "wage_totals_match_landing": (
        f"with reports as (select distinct on ({_RUN_KEY}) "
        "c.payload from raw.call_payload c join x on c.extraction_id = x.xid where "
        f"c.operation in {_WAGE_LANDINGS} order by {_RUN_KEY}, c.fetched_at desc, c.id desc), "
        "landed as (select (r ->> 'run_id')::bigint "
        "as run_id, (r ->> 'code')::int as code, sum((r ->> 'value')::numeric) as total from "
        "reports c cross join lateral jsonb_array_elements(case when jsonb_typeof(c.payload) = "
        "'array' then c.payload else '[]'::jsonb end) r group by 1, 2), staged as (select "
        "run_id, code, sum(value) as total from lines group by 1, 2) select coalesce(s.run_id, "
        "l.run_id) as key, s.total is not distinct from l.total as ok from staged s full join "
        "landed l on l.run_id = s.run_id and l.code = s.code",
        "run_id", {}),
    "wage_employee_known": (
        "select distinct l.employee_id as key, exists (select 1 from staff s where "
        "s.employee_id = l.employee_id) as ok from lines l",
        "employee_id", {}),
    # A hire or exit inside the period (fewer calendar days in service than the period has)
    # whose pay under :salary_code is at least a full period's: the salary in force at the
    # period end, times the part-time factor for a full-time salary (type 1: contract hours /
    # full-time week, else the schedule's percentage; a leaver has no current contract), as is
    # for a part-time salary (type 2). Nmbrs pro-rates by calendar days; a full period's pay
    # for 2 days in service is a sign the run did not.
    "partial_period_pay": (
        "with served as (select j.employee_id, sum(least(coalesce(j.end_date, x.p_end), "
        "x.p_end) - greatest(j.start_date, x.p_start) + 1) as days, max(x.p_end - x.p_start + 1) "
        f"as period_days from jobs j cross join x where {_VALID_JOB} and j.start_date <= x.p_end "
        "and (j.end_date is null or j.end_date >= x.p_start) group by j.employee_id), paid as "
        "(select employee_id, sum(value) as amount from lines where code = :salary_code group by "
        "employee_id), hours as (select distinct on (c.employee_id) c.employee_id, "
        "c.hours_per_week from contracts c order by c.employee_id, c.start_date desc), full_pay as "
        "(select se.employee_id, round(case se.salary_type when 1 then se.value * "
        "coalesce(h.hours_per_week / :fulltime_hours, r.parttime_percentage / 100.0, 1) when 2 "
        "then se.value end, 2) as amount from salary_at_end se left join hours h on "
        "h.employee_id = se.employee_id left join schedules r on r.employee_id = se.employee_id) "
        "select "
        "s.employee_id as key, p.amount < f.amount - 0.01 as ok from served s join paid p on "
        "p.employee_id = s.employee_id join full_pay f on f.employee_id = s.employee_id where "
        "s.days < s.period_days and f.amount > 0",
        "employee_id", {"salary_code": "number"}),
    # What the stand shows as contract type (Indefinite) and nature (EmployementType): the
    # contract covering the period end, else the latest one starting in the period.
    "contract_type_present": (
        "select a.employee_id as key, exists (select 1 from contracts c where c.employee_id = "
        "a.employee_id and c.start_date <= x.p_end and (c.end_date is null or c.end_date >= "
        "x.p_start) and c.indefinite is not null and c.employment_type is not null) as ok "
        "from active a cross join x",
        "employee_id", {}),
    "has_rows": (
        "select p.employee_id as key, exists (select 1 from published.:entity e where "
        "e._extraction_id = x.xid and e.employee_id = p.employee_id) as ok from :population p "
        "cross join x",
        "employee_id", {"entity": "identifier", "population": "identifier"}),
    "employee_count_change": (
        "select null::bigint as key, abs(cur.n - prev.n) <= :max_change * prev.n as ok from "
        "(select count(*) as n from staff) cur, (select count(*) as n from prev_staff) prev "
        "where exists (select 1 from prev_x)",
        "employer", {"max_change": "number"}),
}
