-- V0550: alert state, so that each alert goes out once.
--
-- Applied once by payroll_link.warehouse.migrate (forward-only; never edit an applied file).
-- Written only by payroll_link.alerts.state; ids, labels and class names only, no payroll data.
--
-- ops.alert_failure: one row per failed attempt of a payroll DAG run that was alerted. Several
-- tasks of one attempt failing (the mapped extract batches) share the row: one alert per attempt.
-- attempt = '<clear number>@<run start>': a cleared run that fails again is a new attempt.
--
-- ops.deadline_alert: one row per (employer, period) that passed its delivery deadline without a
-- delivery. raised_at is set when the "not delivered" alert goes out, resolved_at when the
-- "now delivered" alert goes out; each happens once.

create schema if not exists ops;

create table if not exists ops.alert_failure (
    dag_id       text        not null,
    run_id       text        not null,
    attempt      text        not null,
    employer_id  text        not null,
    period       text        not null,
    task_id      text        not null,   -- the first task of the attempt that failed
    error_class  text        not null,
    alerted_at   timestamptz not null default now(),
    primary key (dag_id, run_id, attempt)
);

create table if not exists ops.deadline_alert (
    employer_id  text        not null,
    period       text        not null,   -- label: '2026-11' or '2026-4W05'
    period_end   date        not null,
    due_date     date        not null,   -- period_end + the employer's delivery_deadline_days
    raised_at    timestamptz not null default now(),
    resolved_at  timestamptz,
    primary key (employer_id, period)
);

create index if not exists deadline_alert_open_idx
    on ops.deadline_alert (employer_id) where resolved_at is null;

comment on table ops.alert_failure is 'Failed payroll run attempts that were alerted; see V0550.';
comment on table ops.deadline_alert is 'Delivery deadlines missed and resolved; see V0550.';
