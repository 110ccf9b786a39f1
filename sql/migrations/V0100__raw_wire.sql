-- V0100: keep the wire truth of every call: the response body exactly as received, compressed.
--
-- payload (jsonb) holds the canonical rows the source made of the answer; wire holds the answer
-- itself (gzip of the bytes received: a SOAP envelope, a REST JSON body), labelled by source,
-- so any extraction can be re-parsed later without calling the payroll system.

alter table raw.call_payload
    add column wire        bytea,          -- gzip of the response body as received
    add column wire_bytes  integer,        -- length of the uncompressed body
    add column source      text;           -- 'soap' or 'rest'
