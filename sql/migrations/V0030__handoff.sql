-- V0030: the delivery ledger: what a.s.r. received, per employer, period and version.
--
-- Applied once by payroll_link.warehouse.migrate (forward-only; never edit an applied file).
-- Written only by payroll_link.handoff (service.deliver_period); read by `koppeling ledger`.
--
-- One row per message version of (employer, period). A row is claimed ('pending') with the exact
-- message bytes before anything is sent, then becomes 'delivered' (receipt_id set), 'failed'
-- (retried later with the same bytes and Idempotency-Key, so a.s.r. stores it once), 'rejected'
-- (a.s.r. refused it: a human must look) or 'abandoned' (a failed attempt superseded by a newer
-- version before it was confirmed). A correction is a new version naming replaces_version.
--
-- What did a.s.r. receive for employer X in period P?
--   select version, replaces_version, delivered_at, receipt_id, stands, mutations, is_current
--   from ops.delivery_received where employer_id = 'X' and period = 'P' order by version;
--
-- ops.delivery holds ids, hashes and counts only. The message itself (personal data: BSN,
-- salary) is in ops.delivery_message, kept apart so read access can be granted separately.

create schema if not exists ops;

create table if not exists ops.delivery (
    delivery_id       uuid        primary key,
    employer_id       text        not null,
    period            text        not null,   -- label: '2026-11' or '2026-4W05'
    period_start      date        not null,
    period_end        date        not null,
    version           integer     not null check (version >= 1),
    replaces_version  integer     check (replaces_version >= 1 and replaces_version < version),
    extraction_id     uuid        not null references ops.extraction (extraction_id),
    message_id        text        not null,
    idempotency_key   text        not null unique,
    content_sha256    text        not null,   -- 'sha256:<hex>' of the content (see the schema)
    message_sha256    text        not null,   -- of the exact bytes sent
    message_bytes     integer     not null,
    schema_name       text        not null,   -- e.g. 'stands-message.v1'
    adapter           text        not null,   -- 'https' | 'file_drop'
    target            text,                   -- URL or folder, never credentials
    status            text        not null default 'pending'
        check (status in ('pending', 'delivered', 'failed', 'rejected', 'abandoned')),
    receipt_id        text,
    attempts          integer     not null default 0,
    stands            integer     not null,
    mutations         jsonb       not null default '{}'::jsonb,  -- {kind: count}
    mutation_total    integer     not null default 0,
    created_at        timestamptz not null default now(),
    last_attempt_at   timestamptz,
    delivered_at      timestamptz,
    error_class       text,
    error_message     text,                   -- ids, paths and statuses only, never values
    unique (employer_id, period, version),
    check (status <> 'delivered' or (receipt_id is not null and delivered_at is not null))
);

create index if not exists delivery_employer_period_idx
    on ops.delivery (employer_id, period_start, version);

create table if not exists ops.delivery_message (
    delivery_id   uuid  primary key references ops.delivery (delivery_id),
    body          bytea not null            -- the message exactly as sent (UTF-8 JSON)
);

create or replace view ops.delivery_received as
    select d.employer_id, d.period, d.period_start, d.period_end, d.version,
           d.replaces_version, d.delivered_at, d.receipt_id, d.adapter, d.target,
           d.content_sha256, d.message_id, d.stands, d.mutations, d.mutation_total,
           d.extraction_id, d.delivery_id,
           d.version = max(d.version) over (partition by d.employer_id, d.period) as is_current
    from ops.delivery d
    where d.status = 'delivered';

comment on table ops.delivery is
    'Delivery ledger: one row per message version of (employer, period); see V0030.';
comment on view ops.delivery_received is
    'What a.s.r. received: delivered versions; is_current marks the version in force.';
