-- V0001: the warehouse base: raw landing, run bookkeeping (ops), typed staging, published views.
--
-- Applied once by payroll_link.warehouse.migrate (forward-only; never edit an applied file: its
-- sha256 is recorded in ops.schema_migrations and a changed file stops every later run).
--
-- A run works on one partition (employer, period) and writes under its own extraction_id.
-- Readers use the `published` views only: they show, per partition, the extraction that
-- ops.published_partition points to, switched in one transaction by Warehouse.publish().
-- Staging tables have no foreign key to ops.extraction on purpose: COPY would pay a lookup per
-- row, and the only writer (Warehouse) creates the extraction row first.

create schema if not exists raw;
create schema if not exists ops;
create schema if not exists staging;
create schema if not exists published;

-- raw ---------------------------------------------------------------------------------------

-- One row per Nmbrs call response, append-only (never updated or deleted by the pipeline).
-- Decimals are JSON strings (exact), dates and datetimes ISO 8601 strings.
create table raw.call_payload (
    id              bigserial   primary key,
    extraction_id   uuid        not null,
    employer_id     text        not null,
    period          text        not null,
    service         text        not null,
    operation       text        not null,
    company_id      integer     not null,
    employee_id     integer,
    request_keys    jsonb       not null default '{}'::jsonb,
    payload         jsonb,
    content_sha256  text        not null,
    fetched_at      timestamptz not null
);
create index call_payload_extraction_idx on raw.call_payload (extraction_id);

-- ops ---------------------------------------------------------------------------------------

create table ops.extraction (
    extraction_id   uuid        primary key,
    employer_id     text        not null,
    period          text        not null,   -- label: '2026-11' (monthly) or '2026-4W05'
    period_start    date        not null,
    period_end      date        not null,
    airflow_run_id  text,
    status          text        not null default 'running'
        check (status in ('running', 'landed', 'published', 'failed', 'superseded')),
    started_at      timestamptz not null default now(),
    finished_at     timestamptz,
    counts          jsonb       not null default '{}'::jsonb,   -- rows per entity
    timings         jsonb       not null default '{}'::jsonb,   -- seconds per step
    wage_code_path  text,       -- which wage-code report call was used (background / synchronous)
    error_class     text,
    error_message   text,       -- never row values: no BSN, IBAN, salary
    check (period_end >= period_start)
);
create index extraction_partition_idx on ops.extraction (employer_id, period);

create table ops.published_partition (
    employer_id     text        not null,
    period          text        not null,
    extraction_id   uuid        not null references ops.extraction (extraction_id),
    published_at    timestamptz not null default now(),
    primary key (employer_id, period)
);

-- staging -----------------------------------------------------------------------------------
-- Every table: lineage columns, then the entity's columns (natural key first) in the order of
-- payroll_link.staging.ENTITIES. _source is the Nmbrs call; _snapshot is true for the
-- ...GetCurrent / ...ListCurrent / ..._Get calls, which show the state at run time rather than
-- the period's history.

create table staging.company_run (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    run_id          integer not null,
    run_number      integer,
    year            integer,
    period_start    integer,
    period_end      integer,
    description     text,
    run_at          timestamp,      -- Nmbrs local time, no offset on the wire
    is_locked       boolean
);

create table staging.wage_code_line (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    run_id          integer not null,
    employee_id     integer not null,
    year            integer,
    period          integer,
    run_number      integer,
    code            integer not null,
    description     text,
    value           numeric not null  -- money, hours or factors depending on the code: exact
);

create table staging.company_wage_component (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    kind            text    not null check (kind in ('fixed', 'var')),
    component_id    integer not null,
    code            integer not null,
    value           numeric           -- money, hours or factors depending on the code: exact
);

create table staging.employee (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id     integer not null,
    number          integer,
    display_name    text
);

create table staging.employment (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id         integer not null,
    employment_id       integer not null,
    creation_date       date,
    start_date          date,
    end_date            date,       -- null while employed
    initial_start_date  date
);

create table staging.salary (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id         integer not null,
    salary_id           integer not null,
    value               numeric(14,4),  -- 4 decimals: hourly wages (Type 3) may carry them
    salary_type         integer,        -- ordinal of Nmbrs SalaryType
    salary_table_code   integer,
    start_date          date,
    creation_date       date
);

-- Data minimisation (AVG/GDPR art. 5(1)(c)): of PersonalInfo only what the pension and income
-- insurance records need is staged. Phone numbers, e-mail addresses, emergency contacts, place
-- of birth and identity documents are dropped here and never leave raw landing.
create table staging.personal_info (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id         integer not null,
    number              integer,
    employee_number     integer,
    bsn                 text,
    first_name          text,
    initials            text,
    prefix              text,
    last_name           text,
    gender              text,
    nationality_code    integer,
    birth_date          date,
    deceased_date       date,
    partner_prefix      text,
    partner_last_name   text,
    naamstelling        text,
    creation_date       date
);

create table staging.address (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id             integer not null,
    address_id              integer not null,
    is_default              boolean,
    street                  text,
    house_number            text,
    house_number_addition   text,
    postal_code             text,
    city                    text,
    state_province          text,
    country_iso_code        text,
    address_type            text
);

create table staging.bank_account (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id         integer not null,
    bank_account_id     integer not null,
    iban                text,
    bic                 text,
    account_type        text
);

create table staging.partner (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id     integer not null,
    partner_id      integer not null,
    partner_name    text,
    first_name      text,
    initials        text,
    gender          text,
    birth_date      date,
    start_date      date
);

create table staging.child (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id     integer not null,
    child_id        integer not null,
    name            text,
    first_name      text,
    initials        text,
    gender          text,
    birth_date      date
);

create table staging.contract (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id                 integer not null,
    contract_id                 integer not null,
    creation_date               date,
    start_date                  date,
    trial_period_end            date,       -- Nmbrs TrialPeriod
    end_date                    date,
    employment_type             integer,    -- Nmbrs EmployementType (sic)
    employment_sequence_tax_id  integer,
    indefinite                  boolean,
    phase_classification        integer,
    written_contract            boolean,
    hours_per_week              numeric(6,2)
);

create table staging.schedule (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id             integer not null,
    hours_monday            numeric(6,2),
    hours_tuesday           numeric(6,2),
    hours_wednesday         numeric(6,2),
    hours_thursday          numeric(6,2),
    hours_friday            numeric(6,2),
    hours_saturday          numeric(6,2),
    hours_sunday            numeric(6,2),
    hours_monday_w2         numeric(6,2),   -- second week of a two-week rota
    hours_tuesday_w2        numeric(6,2),
    hours_wednesday_w2      numeric(6,2),
    hours_thursday_w2       numeric(6,2),
    hours_friday_w2         numeric(6,2),
    hours_saturday_w2       numeric(6,2),
    hours_sunday_w2         numeric(6,2),
    parttime_percentage     numeric(7,4),
    start_date              date
);

-- v3 SVW shape is uncertain (flat SVWSettings assumed): all but the employee nullable.
create table staging.svw (
    _employer text not null, _period text not null, _extraction_id uuid not null,
    _loaded_at timestamptz not null, _source text not null, _snapshot boolean not null,
    employee_id                         integer not null,
    svw_id                              integer,
    influence_obliged_insurance         boolean,
    wage_cost_benefit                   boolean,
    code_cao                            integer,
    wao_wia                             boolean,
    ww                                  boolean,
    zw                                  boolean,
    income_related_contribution_zvw     boolean,
    code_zvw                            integer,
    risk_group                          integer,
    sector                              integer,
    employment_type                     integer,
    phase_classification                integer,
    employment_sequence_tax_id          integer
);

create index company_run_extraction_idx            on staging.company_run (_extraction_id);
create index wage_code_line_extraction_idx         on staging.wage_code_line (_extraction_id);
create index company_wage_component_extraction_idx on staging.company_wage_component (_extraction_id);
create index employee_extraction_idx               on staging.employee (_extraction_id);
create index employment_extraction_idx             on staging.employment (_extraction_id);
create index salary_extraction_idx                 on staging.salary (_extraction_id);
create index personal_info_extraction_idx          on staging.personal_info (_extraction_id);
create index address_extraction_idx                on staging.address (_extraction_id);
create index bank_account_extraction_idx           on staging.bank_account (_extraction_id);
create index partner_extraction_idx                on staging.partner (_extraction_id);
create index child_extraction_idx                  on staging.child (_extraction_id);
create index contract_extraction_idx               on staging.contract (_extraction_id);
create index schedule_extraction_idx               on staging.schedule (_extraction_id);
create index svw_extraction_idx                    on staging.svw (_extraction_id);

-- published ---------------------------------------------------------------------------------
-- The rows of the published extraction of every partition; what the quality gate and the
-- handoff read. A running, failed or superseded extraction never shows here.

create view published.company_run as
    select s.* from staging.company_run s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.wage_code_line as
    select s.* from staging.wage_code_line s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.company_wage_component as
    select s.* from staging.company_wage_component s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.employee as
    select s.* from staging.employee s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.employment as
    select s.* from staging.employment s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.salary as
    select s.* from staging.salary s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.personal_info as
    select s.* from staging.personal_info s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.address as
    select s.* from staging.address s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.bank_account as
    select s.* from staging.bank_account s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.partner as
    select s.* from staging.partner s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.child as
    select s.* from staging.child s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.contract as
    select s.* from staging.contract s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.schedule as
    select s.* from staging.schedule s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
create view published.svw as
    select s.* from staging.svw s
    join ops.published_partition p on p.extraction_id = s._extraction_id;
