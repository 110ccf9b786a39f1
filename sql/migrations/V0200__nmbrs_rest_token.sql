-- V0200: the Nmbrs REST token store. One row per Nmbrs account (the connection id): its OAuth
-- refresh token, the current access token and its expiry, sealed (Fernet) with a key derived from
-- the OAuth client secret, which lives only in the account's Airflow connection. No token is ever
-- stored here in clear text. Refreshes are serialised per account with a session advisory lock
-- (nmbrs.rest.token_store.lock_key); generation counts the refreshes.
--
-- Applied once by payroll_link.warehouse.migrate (forward-only; never edit an applied file).

create schema if not exists ops;

create table if not exists ops.nmbrs_rest_token (
    account     text        primary key check (account <> ''),
    sealed      bytea       not null,
    generation  bigint      not null check (generation >= 0),
    updated_at  timestamptz not null default now()
);

comment on table ops.nmbrs_rest_token is
    'Nmbrs REST OAuth tokens per account, sealed; written by koppeling authorize and refreshes.';
