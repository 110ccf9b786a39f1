-- Quality gate results: one run per extraction and rule set, one result per rule, and the ids
-- (never BSN, IBAN or amounts) of the employees each rule flags.
create table if not exists ops.quality_run (
    quality_run_id   uuid primary key,
    extraction_id    uuid not null references ops.extraction (extraction_id),
    employer_id      text not null,
    period           text not null,
    product          text not null,
    ruleset_version  text not null,
    started_at       timestamptz not null,
    finished_at      timestamptz,
    errors           int,
    warnings         int,
    passed           boolean,
    docs_path        text
);
create index if not exists quality_run_extraction on ops.quality_run (extraction_id);

create table if not exists ops.quality_result (
    quality_run_id   uuid not null references ops.quality_run (quality_run_id),
    rule_id          text not null,
    severity         text not null check (severity in ('error', 'warning')),
    evaluated        int not null,
    failed_count     int not null,
    sample_employee_ids int[] not null default '{}',
    description_nl   text not null,
    description_en   text not null,
    primary key (quality_run_id, rule_id)
);

create table if not exists ops.quality_flag (
    quality_run_id   uuid not null references ops.quality_run (quality_run_id),
    extraction_id    uuid not null,
    rule_id          text not null,
    severity         text not null,
    employee_id      int not null
);
create index if not exists quality_flag_extraction on ops.quality_flag (extraction_id);
