-- Go-live baseline: periods before an employer's first exchange date are extracted, checked and
-- built like any period, then kept here instead of being delivered (unless the registry entry
-- asks for history). One row per build whose content differs from the period's latest row; the
-- stands message is kept as built (a.s.r. never received it).

create table if not exists ops.handoff_baseline (
    baseline_id      uuid        primary key,
    employer_id      text        not null,
    period           text        not null,
    period_start     date        not null,
    period_end       date        not null,
    extraction_id    uuid        not null references ops.extraction (extraction_id),
    action           text        not null,   -- e.g. 'baseline, before first exchange date'
    first_exchange_date date     not null,
    content_sha256   text        not null,
    schema_name      text        not null,
    stands           integer     not null,
    body             bytea       not null,   -- the message as built (UTF-8 JSON), not sent
    created_at       timestamptz not null default now(),
    unique (employer_id, period, content_sha256)
);

create index if not exists handoff_baseline_employer_period_idx
    on ops.handoff_baseline (employer_id, period_start, created_at);

comment on table ops.handoff_baseline is
    'Periods before the first exchange date: built and kept as baseline, not delivered (V0600).';
