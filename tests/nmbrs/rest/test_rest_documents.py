"""Start the wage-code documents, poke them until ready, read them: against the REST simulator."""

from __future__ import annotations

import pytest
import requests

from nmbrs.rest.errors import NmbrsResponseError
from payroll_link.extraction.failures import fatal_message, is_fatal
from payroll_link.extraction.sources.rest import NmbrsRestSource
from payroll_link.extraction.sources.rest_documents import documents_ready, start_documents
from payroll_link.periods import get_period
from tests.nmbrs.rest.conftest import LOGIN
from tests.nmbrs.rest.sources_support import company_uuid, rest_client

pytestmark = pytest.mark.simulator
COMPANY = 2001
PERIOD = get_period("monthly", 2026, 10)


def set_knobs(server, **knobs):
    answer = requests.post(f"{server.url}/admin/knobs", json=knobs, timeout=5)
    assert answer.status_code == 200, answer.text


def _source(rest_sim, oauth, **overrides):
    return NmbrsRestSource(rest_client(rest_sim, oauth, LOGIN, **overrides),
                           {COMPANY: company_uuid(COMPANY)}, poll_interval=0.01)


def test_started_documents_become_ready_and_the_extraction_reads_them(rest_sim, oauth):
    set_knobs(rest_sim, document_pending_polls=2)
    source = _source(rest_sim, oauth)
    task_ids = start_documents(source, COMPANY, PERIOD)
    assert task_ids and all(isinstance(t, str) and t for t in task_ids.values())
    pokes = [documents_ready(source.client, task_ids, COMPANY) for _ in range(3)]
    assert pokes == [False, False, True]

    reader = _source(rest_sim, oauth)  # another task, another process: given the ids
    reader.use_documents(task_ids)
    runs = reader.runs(COMPANY, PERIOD)
    starts = []
    reader.client.get = (lambda get: lambda name, **kw: starts.append(name) or get(name, **kw))(
        reader.client.get)
    for run in runs.rows:
        fetched, path = reader.wage_codes(COMPANY, run, PERIOD)
        assert path == "document" and fetched.rows
    assert "getPayrollRunWageCodes" not in starts  # no new document started


def test_a_failed_document_is_a_fatal_error_naming_the_call(rest_sim, oauth):
    set_knobs(rest_sim, document_pending_polls=0, document_fail=True)
    source = _source(rest_sim, oauth, max_attempts=1)
    task_ids = start_documents(source, COMPANY, PERIOD)
    with pytest.raises(NmbrsResponseError) as failed:
        documents_ready(source.client, task_ids, COMPANY)
    assert is_fatal(failed.value)
    assert "GetDocumentContentId" in fatal_message(failed.value, "bakkerij", "2026-10")
