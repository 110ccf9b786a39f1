"""Data Docs that last: GX's static files stored once, retention of old runs, offline page."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from payroll_link.quality import load_ruleset, validate_period
from payroll_link.quality.docs_retention import (
    Retention,
    RetentionConfigError,
    prune,
)
from payroll_link.registry import Dga
from tests.payroll_link.quality.conftest import BAKKERIJ, make_employer
from tests.payroll_link.quality.test_gate import with_fulltime_hours

LINK = re.compile(r"""(?:href|src)=["']([^"'#?]+)""")


def package_static_files() -> set[str]:
    """The files GX ships as its site's static assets (read from the installed package)."""
    import great_expectations

    static = Path(great_expectations.__file__).parent / "render" / "view" / "static"
    return {p.relative_to(static).as_posix() for p in static.rglob("*")
            if p.is_file() and p.name != ".DS_Store"}


def tree_bytes(folder: Path) -> int:
    """Bytes of regular files under `folder`, not following symlinks."""
    total = 0
    for base, _, files in os.walk(folder):
        total += sum((Path(base) / f).lstat().st_size for f in files
                     if not (Path(base) / f).is_symlink())
    return total


@pytest.fixture(scope="module")
def two_runs(extract_module, warehouse_engine, tmp_path_factory):
    """Two quality runs of one clean period into a fresh docs root."""
    root = tmp_path_factory.mktemp("docs_root")
    employer = make_employer(2001, dga=Dga(name="Sandra Bakker", employee_number=1))
    part = extract_module(employer, BAKKERIJ, 2026, 10)
    ruleset = with_fulltime_hours(load_ruleset("pension"), employer.employer_id,
                                  "bakkerij_van_den_berg")
    summaries = [validate_period(warehouse_engine, employer, part.extraction_id, part.period,
                                 root, ruleset=ruleset) for _ in range(2)]
    return root, summaries


@pytest.mark.postgres
@pytest.mark.simulator
def test_gx_static_files_are_stored_once_for_all_runs(two_runs):
    root, summaries = two_runs
    shared = list((root / "_static").glob("gx-*"))
    assert len(shared) == 1
    stored = {p.relative_to(shared[0]).as_posix() for p in shared[0].rglob("*") if p.is_file()}
    assert stored == package_static_files()
    for summary in summaries:
        site = Path(summary["docs_index"]).parent
        assert (site / "gx" / "static").is_symlink()
        assert tree_bytes(site) < 1_000_000, tree_bytes(site)  # GX's copy alone is 4 MB


@pytest.mark.postgres
@pytest.mark.simulator
def test_gx_pages_find_their_static_files_through_the_link(two_runs):
    _, summaries = two_runs
    site = Path(summaries[-1]["docs_index"]).parent / "gx"
    # Validation pages are left out: GX writes their favicon link one folder too shallow
    # (it misses with GX's own copy as well).
    pages = [site / "index.html", *site.joinpath("expectations").rglob("*.html")]
    local = [(page, ref) for page in pages for ref in LINK.findall(page.read_text())
             if "static/" in ref and "://" not in ref and not ref.startswith("//")]
    assert pages and {page for page, _ in local} == set(pages)  # a favicon on every page
    for page, ref in local:
        assert (page.parent / ref).resolve().is_file(), (page, ref)


@pytest.mark.postgres
@pytest.mark.simulator
def test_own_quality_page_needs_no_network(two_runs):
    _, summaries = two_runs
    page = Path(summaries[-1]["docs_index"]).read_text()
    refs = LINK.findall(page)
    assert refs == ["gx/index.html"]
    assert "<style>" in page and "http://" not in page and "https://" not in page


def make_runs(root: Path, employer: str, period: str, ages_days: list[float]) -> list[Path]:
    """Make fake run sites whose index.html is `ages_days` old (oldest last)."""
    runs = []
    for number, age in enumerate(ages_days):
        run = root / employer / period / f"run{number}"
        (run / "gx").mkdir(parents=True)
        (run / "index.html").write_text("<html></html>")
        stamp = time.time() - age * 86400
        os.utime(run / "index.html", (stamp, stamp))
        runs.append(run)
    return runs


def test_prune_keeps_the_last_n_runs_per_employer_and_period(tmp_path):
    runs = make_runs(tmp_path, "bakkerij", "2026-10", [0.1, 1, 2, 3, 4])
    other = make_runs(tmp_path, "bakkerij", "2026-09", [5, 6, 7])
    (tmp_path / "_static" / "gx-1").mkdir(parents=True)
    removed = prune(tmp_path, Retention(keep_last=2), "bakkerij")
    assert sorted(removed) == sorted(runs[2:] + other[2:])
    assert all(run.exists() for run in runs[:2] + other[:2])
    assert (tmp_path / "_static" / "gx-1").is_dir()


def test_prune_by_age_keeps_the_newest_run_of_a_period(tmp_path):
    runs = make_runs(tmp_path, "banket", "2026-4W10", [40, 50])
    fresh = make_runs(tmp_path, "banket", "2026-4W11", [1, 31])
    untouched = make_runs(tmp_path, "hollander", "2026-10", [60, 70])
    removed = prune(tmp_path, Retention(keep_last=10, max_age_days=30), "banket")
    assert sorted(removed) == [runs[1], fresh[1]]
    assert runs[0].exists() and fresh[0].exists()
    assert all(run.exists() for run in untouched)


def test_prune_without_employer_covers_every_employer(tmp_path):
    first = make_runs(tmp_path, "bakkerij", "2026-10", [1, 2])
    offboarded = make_runs(tmp_path, "oud_bv", "2025-01", [400, 500])
    removed = prune(tmp_path, Retention(keep_last=1))
    assert sorted(removed) == sorted([first[1], offboarded[1]])


def test_retention_reads_its_settings_and_rejects_nonsense():
    assert Retention.from_env({}) == Retention(keep_last=5, max_age_days=None)
    assert Retention.from_env({"KOPPELING_DOCS_KEEP": "3", "KOPPELING_DOCS_MAX_AGE_DAYS": "90"}) \
        == Retention(keep_last=3, max_age_days=90)
    with pytest.raises(RetentionConfigError, match="KOPPELING_DOCS_KEEP"):
        Retention.from_env({"KOPPELING_DOCS_KEEP": "0"})
