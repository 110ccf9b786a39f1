-- V0101: drift between what a payroll source answered and the shapes we know, per extraction
-- and call. Names only (element paths, kinds), never values. One row per extraction, call,
-- kind, element and employee (0 for company-wide calls), so a retried batch records nothing
-- twice.

create table ops.source_drift (
    extraction_id   uuid        not null,
    source          text        not null,            -- 'soap', 'rest'
    service         text        not null,
    operation       text        not null,
    kind            text        not null
        check (kind in ('unmapped', 'missing', 'unreadable', 'shape')),
    element         text        not null,            -- element path in the answer, or shape name
    employee_id     integer     not null default 0,  -- 0: a company-wide call
    occurrences     integer     not null default 1,
    recorded_at     timestamptz not null default now(),
    primary key (extraction_id, operation, kind, element, employee_id)
);
