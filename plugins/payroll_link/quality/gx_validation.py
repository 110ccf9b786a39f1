"""Run the rules through Great Expectations Core 1.x and build the run's Data Docs site.

GX is imported inside ``run_checkpoint`` only (the import takes seconds; DAG files must not pay
it at parse time). Every rule becomes an ``UnexpectedRowsExpectation`` whose query returns the
flagged keys (employee or run ids) and nothing else; with result_format SUMMARY the Data Docs
show counts only, so no BSN, IBAN or amount can reach them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from payroll_link.logs import quiet_libraries
from payroll_link.quality.errors import QualityRuleError
from payroll_link.quality.ruleset import Rule

log = logging.getLogger(__name__)

SITE_NAME = "quality_docs"
_SEVERITY = {"error": "critical", "warning": "warning"}


@dataclass(frozen=True)
class GxVerdict:
    """GX's verdict on one rule: success and the number of unexpected rows it observed."""

    success: bool
    observed: int | None


def run_checkpoint(url: str, rules: Sequence[tuple[Rule, str]], docs_dir: Path,
                   name: str, run_name: str,
                   static_root: Path | None = None) -> tuple[dict[str, GxVerdict], Path]:
    """Validate `rules` (rule, GX query) against the warehouse at `url`; return verdicts + index.

    ``docs_dir`` receives the Data Docs site (suite and validation pages); GX's static files go
    once into ``static_root/gx-<GX version>`` (default: ``docs_dir/_static``), linked from the
    site as ``static``.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # the gate runs air-gapped too
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    quiet_libraries()  # again: importing GX set one of its loggers to INFO
    shared = (static_root or docs_dir / "_static") / f"gx-{gx.__version__}"
    context = _context(gx, docs_dir, shared)
    source = context.data_sources.add_postgres("warehouse", connection_string=url)
    asset = source.add_table_asset("extraction", table_name="extraction", schema_name="ops")
    batch = asset.add_batch_definition_whole_table("extraction")
    suite = context.suites.add(_suite(gx, name, rules))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[definition],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=[SITE_NAME])],
        result_format={"result_format": "SUMMARY"}))
    result = checkpoint.run(run_id=RunIdentifier(run_name=run_name))
    verdicts = _verdicts(result)
    return verdicts, docs_dir / "index.html"


def _context(gx, docs_dir: Path, shared_static: Path):
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.add_data_docs_site(site_name=SITE_NAME, site_config={
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"module_name": "payroll_link.quality.gx_static",
                          "class_name": "SharedStaticStoreBackend",
                          "base_directory": str(docs_dir),
                          "shared_static_directory": str(shared_static)},
    })
    return context


def _suite(gx, name: str, rules: Sequence[tuple[Rule, str]]):
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    for rule, query in rules:
        suite.add_expectation(gxe.UnexpectedRowsExpectation(
            unexpected_rows_query=query,
            description=f"{rule.id} ({rule.severity}): {rule.description.en} "
                        f"| {rule.description.nl}",
            severity=_SEVERITY[rule.severity],
            meta={"rule_id": rule.id, "severity": rule.severity, "key": rule.key_kind},
        ))
    return suite


def _verdicts(result) -> dict[str, GxVerdict]:
    verdicts = {}
    for validation in result.run_results.values():
        for item in validation.results:
            rule_id = (item.expectation_config.meta or {}).get("rule_id", "?")
            if _raised(item.exception_info or {}):
                # The exception text may quote data: only the rule id goes on.
                raise QualityRuleError(rule_id, "Great Expectations could not evaluate it")
            observed = (item.result or {}).get("observed_value")
            verdicts[rule_id] = GxVerdict(bool(item.success), observed)
    return verdicts


def _raised(info: dict) -> bool:
    """Tell whether GX recorded an exception (flat, or keyed by metric configuration)."""
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())
