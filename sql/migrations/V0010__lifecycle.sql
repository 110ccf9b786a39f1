-- V0010: who changed the employer registry, when, and how (koppeling register/realise/pause/
-- resume/offboard). One row per applied change; the registry file stays the single source for
-- which DAGs exist, this table is its audit trail.
--
-- Applied once by payroll_link.warehouse.migrate (forward-only; never edit an applied file).
-- diff is the unified diff of the employer's registry entry (ids, dates, statuses; at most the
-- DGA's name, never a BSN, IBAN or salary). intake_summary holds counts of the employees-file
-- intake only (matched, missing, extra, mismatches), never names, birth dates or BSNs.

create schema if not exists ops;

create table if not exists ops.registry_change (
    id              bigserial   primary key,
    employer_id     text        not null,
    action          text        not null
        check (action in ('register', 'realise', 'pause', 'resume', 'offboard')),
    actor           text        not null check (actor <> ''),
    at              timestamptz not null default now(),
    diff            text        not null,
    intake_summary  jsonb
);

create index if not exists registry_change_employer_idx on ops.registry_change (employer_id, at);

comment on table ops.registry_change is
    'Audit trail of config/employers.yaml: one row per lifecycle change (koppeling CLI).';
