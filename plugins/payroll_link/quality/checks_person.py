"""Checks on the person: identity, address, bank account, family, uniqueness, DGA indication.

Each entry: name -> (SQL yielding key/ok rows, key kind, parameters). CTE names (``staff``,
``pinfo``, ``x`` …) are defined in ``quality.sql``; ``:name`` placeholders are rule parameters
or run context. Queries select ids and booleans only: no BSN, IBAN or amount leaves them.
"""

from __future__ import annotations

from payroll_link.quality.nl import sql_bsn_valid, sql_iban_valid, sql_postcode_valid

_PERSON = "from pinfo p join staff s on s.employee_id = p.employee_id"
_PRESENT = "nullif(btrim({}), '') is not null"
_IS_NL = "coalesce(nullif(upper(btrim(a.country_iso_code)), ''), 'NL') = 'NL'"
_ADDRESS = "from addresses a join staff s on s.employee_id = a.employee_id"
_DGA_INDICATION = ("v.influence_obliged_insurance is true and v.ww is false and v.zw is false "
                   "and v.wao_wia is false")

CHECKS: dict[str, tuple[str, str, dict]] = {
    "bsn_present": (
        f"select p.employee_id as key, {_PRESENT.format('p.bsn')} as ok {_PERSON}",
        "employee_id", {}),
    "bsn_11_proef": (
        f"select p.employee_id as key, {sql_bsn_valid('p.bsn')} as ok {_PERSON} "
        f"where {_PRESENT.format('p.bsn')}",
        "employee_id", {}),
    "birth_date_present": (
        f"select p.employee_id as key, p.birth_date is not null as ok {_PERSON}",
        "employee_id", {}),
    "age_between": (
        "select p.employee_id as key, extract(year from age(x.p_end, p.birth_date)) "
        f"between :min_age and :max_age as ok {_PERSON} cross join x "
        "where p.birth_date is not null",
        "employee_id", {"min_age": "number", "max_age": "number"}),
    "name_parts_present": (
        f"select p.employee_id as key, {_PRESENT.format('p.last_name')} and "
        f"({_PRESENT.format('p.initials')} or {_PRESENT.format('p.first_name')}) as ok {_PERSON}",
        "employee_id", {}),
    "gender_allowed": (
        f"select p.employee_id as key, p.gender = any(:allowed) as ok {_PERSON}",
        "employee_id", {"allowed": "text_list"}),
    "nl_postcode": (
        f"select a.employee_id as key, case when {_IS_NL} then "
        f"{sql_postcode_valid('a.postal_code')} else true end as ok {_ADDRESS}",
        "employee_id", {}),
    "house_number": (
        f"select a.employee_id as key, case when {_IS_NL} then btrim(a.house_number) ~ "
        "'^[1-9][0-9]{0,4}$' else upper(btrim(a.country_iso_code)) ~ '^[A-Z]{2}$' end as ok "
        f"{_ADDRESS}",
        "employee_id", {}),
    "iban_check_digits": (
        f"select b.employee_id as key, {sql_iban_valid('b.iban')} as ok from banks b "
        f"join staff s on s.employee_id = b.employee_id where {_PRESENT.format('b.iban')}",
        "employee_id", {}),
    "partner_birth_date": (
        "select pa.employee_id as key, pa.birth_date is not null and pa.birth_date <= "
        "x.started_at::date as ok from partners pa join staff s on s.employee_id = "
        "pa.employee_id cross join x",
        "employee_id", {}),
    "child_birth_date": (
        "select c.employee_id as key, c.birth_date is not null and c.birth_date <= "
        "x.started_at::date and (p.birth_date is null or c.birth_date > p.birth_date) as ok "
        "from children c join staff s on s.employee_id = c.employee_id cross join x "
        "left join pinfo p on p.employee_id = c.employee_id",
        "employee_id", {}),
    "personnel_number_unique": (
        "with numbers as (select p.employee_id, p.number " + _PERSON + " union select "
        "l.employee_id, l.number from listed l), holders as (select number, count(distinct "
        "employee_id) as n from numbers group by number) select m.employee_id as key, "
        "m.number is not null and h.n = 1 as ok from numbers m left join holders h "
        "on h.number = m.number",
        "employee_id", {}),
    "bsn_unique": (
        "with present as (select p.employee_id, btrim(p.bsn) as bsn " + _PERSON + " where "
        + _PRESENT.format("p.bsn") + "), holders as (select bsn, count(distinct employee_id) "
        "as n from present group by bsn) select r.employee_id as key, h.n = 1 as ok "
        "from present r join holders h on h.bsn = r.bsn",
        "employee_id", {}),
    "dga_declared_indication": (
        "select d.employee_id as key, d.matches = 1 and coalesce(" + _DGA_INDICATION + ", false) "
        "as ok from (select c.employee_id, count(c.employee_id) over () as matches from (select "
        "cast(:dga_number as integer) as number) want left join (select p.employee_id, p.number "
        f"{_PERSON}) c on c.number = want.number where want.number is not null) d "
        "left join svws v on v.employee_id = d.employee_id",
        "employee_id", {}),
    "dga_undeclared_indication": (
        "select v.employee_id as key, not coalesce(v.influence_obliged_insurance is true or "
        "(v.ww is false and v.zw is false and v.wao_wia is false), false) or "
        "coalesce(p.number = cast(:dga_number as integer), false) as ok from svws v join staff s "
        "on s.employee_id = v.employee_id left join pinfo p on p.employee_id = v.employee_id",
        "employee_id", {}),
}
