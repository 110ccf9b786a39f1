-- Concurrent runs of one partition and reaping of dead runs.
--
-- base_extraction_id: the partition's published extraction when this extraction began. Publish
-- is a compare-and-set on it (under the partition's advisory lock): when another extraction
-- published the partition in between, this one is refused, so of two runs started together
-- exactly one publishes.
-- reaped_at: when the reaper marked an open extraction failed because its Airflow run was no
-- longer running (killed, timed out) or, without an Airflow run, its lease ran out.
alter table ops.extraction add column base_extraction_id uuid;
alter table ops.extraction add column reaped_at timestamptz;

create index extraction_open_idx on ops.extraction (started_at)
    where status in ('running', 'landed');
