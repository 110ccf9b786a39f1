-- V0400: stored pension messages encrypted at rest, and the retention log.
--
-- Applied once by payroll_link.warehouse.migrate (forward-only; never edit an applied file).
--
-- ops.delivery_message.body now holds a Fernet token (format 'fernet'): the message bytes
-- encrypted with the key of the Airflow connection koppeling_message_key (see
-- payroll_link/handoff/sealing.py and docs/personal-data.md). The database never sees the key,
-- so this migration cannot encrypt the rows that exist: it marks them 'plain', and
-- `koppeling retention --yes` seals them (or deletes them when they are past retention).
-- Readers accept both formats. A purged message is a deleted ops.delivery_message row; its
-- ops.delivery row (ids, hashes, receipt, counts: no personal data) stays.
--
-- ops.retention_run: one row per table and employer a retention run purged from (counts,
-- cutoffs, never values), so an auditor can see when personal data left the warehouse.

alter table ops.delivery_message
    add column if not exists format text not null default 'plain'
        check (format in ('plain', 'fernet')),
    add column if not exists stored_at timestamptz not null default now();
alter table ops.delivery_message alter column format set default 'fernet';

comment on column ops.delivery_message.body is
    'The message as sent; format fernet = encrypted (key: connection koppeling_message_key).';

create table if not exists ops.retention_run (
    id           bigserial   primary key,
    run_id       uuid        not null,
    at           timestamptz not null default now(),
    actor        text        not null,
    employer_id  text        not null,
    target       text        not null,   -- 'raw.call_payload', 'staging.<table>', 'message', ...
    cutoff       timestamptz,
    rows         integer     not null check (rows >= 0),
    reason       text        not null    -- 'age', 'offboarded', 'unpublished', 'resealed'
);
create index if not exists retention_run_employer_idx on ops.retention_run (employer_id, at);

comment on table ops.retention_run is
    'What each retention run purged or resealed, per employer and table (counts only).';
