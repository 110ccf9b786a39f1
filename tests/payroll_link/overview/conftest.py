"""Overview fixtures: one real exchange history per module (see history.py)."""

from __future__ import annotations

import pytest

from simulators.asr_receiver.fixture import running_receiver
from tests.payroll_link.overview.history import run_history


@pytest.fixture(scope="module")
def history(_sim_server, warehouse_engine, tmp_path_factory):
    """The history run (employers, extraction ids, deliveries) and its Data Docs root."""
    docs_root = tmp_path_factory.mktemp("overview_docs")
    with running_receiver() as receiver:
        return run_history(_sim_server, warehouse_engine, receiver, docs_root), docs_root
