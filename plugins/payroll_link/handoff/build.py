"""Compose a message from period inputs: stands → field set → mutations → message (pure)."""

from __future__ import annotations

from payroll_link.handoff.fields import project
from payroll_link.handoff.message import assemble
from payroll_link.handoff.mutations import derive_mutations
from payroll_link.handoff.stand import PeriodInputs, build_stands


def compose(inputs: PeriodInputs, employer, period, extraction_id: str, settings,
            base_stands: list[dict] | None, version: int = 1,
            replaces_version: int | None = None, history: bool = False) -> tuple[dict, int]:
    """Return (message, unexplained) where unexplained counts vanished running employments."""
    stands = [project(stand, settings.field_set)
              for stand in build_stands(inputs, employer, period, settings)]
    mutations, unexplained = derive_mutations(stands, base_stands,
                                              inputs.rows.get("employment", ()), period)
    message = assemble(employer, period, extraction_id, settings, stands, mutations, version,
                       replaces_version, history=history)
    return message, unexplained
