"""Golden messages: the same simulator period yields byte-identical messages across runs.

Each case extracts its periods twice (two independent runs, new extraction ids), builds the
message of the last period with the mutations against the one before, and compares the bytes
with ``golden/<case>.json``. The extraction id is the only field that differs between runs (it
is lineage, outside the content hash); it is written as the zero UUID before comparing.

The golden bytes come from the code itself, so they show change, not truth: the values are
checked against hand-computed fixtures in test_fixture_stand.py and test_pension_base.py, and
against the delivered amounts in test_numbers.py (see golden/README.md).

Regenerate after an intended change of the stand, mutation or message format (then review the
diff and bump the schema version if a.s.r. would notice):

    KOPPELING_REGEN_GOLDEN=1 ./run tests tests/payroll_link/handoff/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from payroll_link.handoff.build import compose
from payroll_link.handoff.message import encode
from payroll_link.handoff.reader import read_inputs

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
GOLDEN = Path(__file__).parent / "golden"
ZERO = "00000000-0000-0000-0000-000000000000"
CASES = {  # case -> (employer fixture, company, frequency, period numbers: base first)
    "bakkerij_2026-09": ("bakkerij", 2001, "monthly", (8, 9)),
    "banket_2026-4W10": ("banket", 2002, "four_weekly", (10,)),
}


def build_run(extract_at, engine, emp, company_id, frequency, numbers, config) -> bytes:
    """Extract the periods, build the last period's message against the one before."""
    settings, base = config.settings_for(emp), None
    for number in numbers:
        part, period = extract_at(company_id, frequency, 2026, number)
        inputs = read_inputs(engine, emp.employer_id, period.label, part.extraction_id)
        message, _ = compose(inputs, emp, period, part.extraction_id, settings, base)
        base = message["stands"]
    assert message["employer"]["extraction_id"] == part.extraction_id
    message["employer"]["extraction_id"] = ZERO
    return encode(message)


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_simulator_period_gives_byte_identical_messages(case, request, extract_at,
                                                             warehouse_engine, handoff_config):
    fixture, company_id, frequency, numbers = CASES[case]
    emp = request.getfixturevalue(fixture)
    runs = [build_run(extract_at, warehouse_engine, emp, company_id, frequency, numbers,
                      handoff_config) for _ in range(2)]
    assert runs[0] == runs[1]
    path = GOLDEN / f"{case}.json"
    if os.environ.get("KOPPELING_REGEN_GOLDEN"):
        path.write_bytes(runs[0])
    assert path.exists(), f"{path.name} missing: run with KOPPELING_REGEN_GOLDEN=1"
    assert runs[0] == path.read_bytes(), (
        f"{path.name} differs; if intended, regenerate (see this module's docstring)")
    message = json.loads(runs[0])
    assert message["employer"]["asr_reference"].startswith("ASR-WG-1000")
