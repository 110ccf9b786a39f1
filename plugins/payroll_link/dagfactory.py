"""Build the payroll DAGs: one per realised (or paused) employer in the registry.

The DAG files `dags/payroll_shard_<n>.py` call `dags_for_shard`; this module is the wiring.

The DAG documentation shown in the UI is DOC_MD below.
"""

from __future__ import annotations

import logging
import zlib
from datetime import timedelta

from airflow.sdk import dag, get_current_context, get_parsing_context, task

from payroll_link.alerts.notifier import PayrollFailureNotifier
from payroll_link.registry import dag_id_for
from payroll_link.runtime import pool_for, record_failure, registry
from payroll_link.timetable import PayrollPeriodTimetable, amsterdam_midnight

# The payroll DAGs are spread over SHARDS DAG files (dags/payroll_shard_<n>.py) so that each
# file parses quickly with a thousand employers; the shard of an employer is stable.
SHARDS = 8
log = logging.getLogger(__name__)

BATCH_SIZE = 100
THREADS_PER_TASK = 8
DOC_MD = """Payroll DAGs: one per realised (or paused) employer in `config/employers.yaml`.

Each run is one payroll period of one employer (the data interval, Europe/Amsterdam):

1. `wait_for_payroll` — reschedules until Nmbrs' current period lies past this period
   (`Company_GetCurrentPeriod`): a period whose payroll has not run yet is waited for.
2. `start_extraction` — reaps extractions of killed or timed-out runs (any employer), then a
   new extraction id; rows of earlier failed attempts are discarded.
3. `extract_company` — runs of the period (`Run_GetList`), their wage codes (background report,
   or the synchronous call), company wage components. REST employers first run
   `start_documents` (the runs' wage-code documents; task ids on XCom) and `wait_for_documents`
   (reschedules every 30 s until every document is ready); the extraction reads those.
4. `list_employees` — employee list, employment and salary histories; employee id batches.
5. `extract_employees` — per-employee calls, one mapped task per batch, bounded by the Airflow
   pool of the Nmbrs account and a thread pool inside the task.
6. `publish_period` — the staged rows become the published state of (employer, period) in one
   transaction; a failed run leaves the previous published state untouched; of two runs of one
   period started together exactly one publishes (the other fails naming the winner).
7. `validate_period` — the quality gate (Great Expectations, the product's rule set): results in
   `ops.quality_*`, Data Docs linked in the task log; an error rule stops the handoff.
8. `deliver_stands` — stands and mutations to a.s.r. (the employer's `delivery_conn_id`): sent,
   unchanged (nothing sent) or a correction (a new version); receipt recorded in `ops.delivery`.

Only ids and counts travel through XCom; payroll data stays in the warehouse.
"""

# Timeouts that fit the payroll calendar: a run is created when its period ends and may wait up
# to PAYROLL_WAIT for the payroll to be run in Nmbrs; the run as a whole gets that plus a day for
# extraction, quality gate, handoff and their retries. Every task has its own execution timeout.
PAYROLL_WAIT = timedelta(days=14)
RUN_TIMEOUT = PAYROLL_WAIT + timedelta(days=1)
# REST wage-code documents (source `rest`): ready in seconds to minutes; the sensor gives up
# well inside the run's extra day, leaving time for extraction, gate, handoff and retries.
DOCUMENT_WAIT = timedelta(hours=6)
DOCUMENT_POKE = 30  # seconds between pokes (reschedule: no worker slot held in between)
TASK_TIMEOUT = {"wait_for_payroll": timedelta(minutes=10),  # one poke (reschedule mode)
                "start_extraction": timedelta(minutes=10),
                "start_documents": timedelta(minutes=10),  # REST: one call per run
                "wait_for_documents": timedelta(minutes=10),  # one poke (reschedule mode)
                "extract_company": timedelta(hours=1),  # background reports: minutes per run
                "list_employees": timedelta(minutes=30),
                "extract_employees": timedelta(hours=1),  # 100 employees × 8 calls, shared budget
                "publish_period": timedelta(minutes=30),
                "validate_period": timedelta(hours=1),
                "deliver_stands": timedelta(minutes=30)}
DEFAULT_ARGS = {"owner": "data-team", "retries": 2, "retry_delay": timedelta(minutes=2),
                "retry_exponential_backoff": 2.0, "max_retry_delay": timedelta(minutes=30),
                "execution_timeout": timedelta(hours=1),
                "on_failure_callback": [record_failure, PayrollFailureNotifier()]}


def build(emp):
    """Return the payroll DAG of one employer."""

    @dag(dag_id=dag_id_for(emp), schedule=PayrollPeriodTimetable(emp.frequency),
         start_date=amsterdam_midnight(emp.catchup_start), catchup=True, max_active_runs=1,
         is_paused_upon_creation=emp.status == "paused", default_args=DEFAULT_ARGS,
         tags=["payroll", f"employer:{emp.employer_id}", emp.frequency, emp.product],
         doc_md=DOC_MD, dagrun_timeout=RUN_TIMEOUT)
    def payroll():
        @task.sensor(mode="reschedule", poke_interval=1800, timeout=PAYROLL_WAIT,
                     pool=pool_for(emp), execution_timeout=TASK_TIMEOUT["wait_for_payroll"])
        def wait_for_payroll(data_interval_start=None):
            from payroll_link import runtime
            from payroll_link.extraction.steps import payroll_has_run

            part = runtime.partition(emp, data_interval_start, "")
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):
                return payroll_has_run(runtime.nmbrs_source(emp), emp.nmbrs_company_id,
                                       part.period)

        @task(execution_timeout=TASK_TIMEOUT["start_extraction"])
        def start_extraction(data_interval_start=None, run_id=None, ti=None) -> str:
            from payroll_link import runtime

            part = runtime.partition(emp, data_interval_start, "")
            runtime.reap_dead_extractions(ti)  # killed or timed-out runs of any employer
            wh = runtime.warehouse()
            xid = wh.begin_extraction(emp.employer_id, part.period.label, part.period.start,
                                      part.period.end, run_id)
            wh.discard_unpublished(emp.employer_id, part.period.label, keep=xid)
            return xid

        @task(pool=pool_for(emp), execution_timeout=TASK_TIMEOUT["extract_company"])
        def extract_company(extraction_id: str, documents: dict | None = None,
                            data_interval_start=None) -> dict:
            from payroll_link import runtime
            from payroll_link.extraction.steps import extract_company as step

            part = runtime.partition(emp, data_interval_start, extraction_id)
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):
                return step(runtime.warehouse(), runtime.documents_source(emp, documents), part)

        @task(pool=pool_for(emp), execution_timeout=TASK_TIMEOUT["start_documents"])
        def start_documents(data_interval_start=None) -> dict[str, str]:
            from payroll_link import runtime
            from payroll_link.extraction.sources.rest_documents import start_documents as step

            part = runtime.partition(emp, data_interval_start, "")
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):
                return step(runtime.nmbrs_source(emp), part.company_id, part.period)

        @task.sensor(mode="reschedule", poke_interval=DOCUMENT_POKE, timeout=DOCUMENT_WAIT,
                     pool=pool_for(emp), execution_timeout=TASK_TIMEOUT["wait_for_documents"])
        def wait_for_documents(documents: dict, data_interval_start=None) -> bool:
            from payroll_link import runtime
            from payroll_link.extraction.sources.rest_documents import documents_ready

            part = runtime.partition(emp, data_interval_start, "")
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):
                return documents_ready(runtime.nmbrs_source(emp).client, documents,
                                       part.company_id)

        @task(pool=pool_for(emp), execution_timeout=TASK_TIMEOUT["list_employees"])
        def list_employees(extraction_id: str, data_interval_start=None) -> list[list[int]]:
            from payroll_link import runtime
            from payroll_link.extraction.steps import list_employees as step

            part = runtime.partition(emp, data_interval_start, extraction_id)
            source = runtime.nmbrs_source(emp)  # REST reads whole companies: fewer, bigger batches
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):
                return step(runtime.warehouse(), source, part,
                            getattr(source, "batch_size", BATCH_SIZE))

        @task(pool=pool_for(emp), map_index_template="{{ batch_label }}",
              execution_timeout=TASK_TIMEOUT["extract_employees"])
        def extract_employees(employee_ids: list[int], extraction_id: str,
                              data_interval_start=None) -> dict:
            from payroll_link import runtime
            from payroll_link.extraction.steps import extract_employees as step

            get_current_context()["batch_label"] = (
                f"{len(employee_ids)} employees {employee_ids[0]}–{employee_ids[-1]}")
            part = runtime.partition(emp, data_interval_start, extraction_id)
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):
                return step(runtime.warehouse(), runtime.nmbrs_source(emp), part, employee_ids,
                            THREADS_PER_TASK)

        @task(execution_timeout=TASK_TIMEOUT["publish_period"])
        def publish_period(extraction_id: str, batches: list[list[int]], results,
                           data_interval_start=None) -> dict:
            from payroll_link import runtime
            from payroll_link.extraction.publish import publish_partition

            part = runtime.partition(emp, data_interval_start, extraction_id)
            with runtime.nmbrs_errors(emp.employer_id, part.period.label):  # a lost race: fatal
                return publish_partition(runtime.warehouse(), extraction_id, batches,
                                         list(results))

        @task(execution_timeout=TASK_TIMEOUT["validate_period"])
        def validate_period(extraction_id: str, published: dict,
                            data_interval_start=None) -> dict:
            from airflow.sdk.exceptions import AirflowFailException

            from payroll_link import runtime
            from payroll_link.quality import QualityError, enforce
            from payroll_link.quality import validate_period as gate

            part = runtime.partition(emp, data_interval_start, extraction_id)
            summary = gate(runtime.warehouse().engine, emp, extraction_id, part.period)
            log.info("quality: %s errors, %s warnings; Data Docs: file://%s", summary["errors"],
                     summary["warnings"], summary["docs_index"])
            try:
                enforce(summary)
            except QualityError as err:  # bad data does not heal by retrying
                raise AirflowFailException(str(err)) from err
            return summary

        @task(execution_timeout=TASK_TIMEOUT["deliver_stands"])
        def deliver_stands(extraction_id: str, quality: dict, data_interval_start=None,
                           dag_run=None) -> dict:
            from airflow.sdk.exceptions import AirflowFailException

            from payroll_link import runtime
            from payroll_link.handoff.errors import HandoffError
            from payroll_link.handoff.service import deliver_period, summary_line

            part = runtime.partition(emp, data_interval_start, extraction_id)
            rerun = runtime.period_order_guard(emp, part.period, dag_run)  # backfill_policy
            try:
                result = deliver_period(runtime.warehouse().engine, emp, extraction_id,
                                        part.period, runtime.delivery_adapter(emp))
            except HandoffError as err:
                if err.retriable:
                    raise
                raise AirflowFailException(str(err)) from err
            log.info("delivery: %s", summary_line(result))
            if rerun:
                log.warning("delivered out of order as asked; re-run %s in period order",
                            rerun)
            return {**result, "rerun_in_order": rerun}

        xid = start_extraction()
        wait_for_payroll() >> xid
        if emp.source == "rest":  # the wage-code documents are awaited by a sensor
            documents = start_documents()
            xid >> documents
            company = extract_company(xid, documents)
            wait_for_documents(documents) >> company
        else:
            company = extract_company(xid)
        batches = list_employees(xid)
        company >> batches
        landed = extract_employees.partial(extraction_id=xid).expand(employee_ids=batches)
        quality = validate_period(xid, publish_period(xid, batches, landed))
        deliver_stands(xid, quality)

    return payroll()


def shard_of(employer_id: str) -> int:
    """Return the DAG file shard of an employer (stable across processes)."""
    return zlib.crc32(employer_id.encode()) % SHARDS


def dags_for_shard(shard: int) -> dict:
    """Build the DAGs of one shard; while a task runs, build only the DAG it belongs to."""
    wanted = get_parsing_context().dag_id
    dags = {}
    for emp in registry().dag_employers:
        dag_id = dag_id_for(emp)
        if shard_of(emp.employer_id) == shard and wanted in (None, dag_id):
            dags[dag_id] = build(emp)
    return dags
