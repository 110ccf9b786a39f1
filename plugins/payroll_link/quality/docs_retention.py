"""Retention of the per-run quality sites: keep the last N runs per employer and period.

Layout: ``<root>/<employer>/<period>/<quality run>/index.html`` (plus ``gx/``); GX's static
files live once in ``<root>/_static`` and are never pruned. Settings: ``$KOPPELING_DOCS_KEEP``
(runs kept per employer and period, default 5) and ``$KOPPELING_DOCS_MAX_AGE_DAYS`` (sites
older than this go too, default: no age limit). The newest run of a period always stays: it is
the one the status page and the ledger point at.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

KEEP_ENV = "KOPPELING_DOCS_KEEP"
MAX_AGE_ENV = "KOPPELING_DOCS_MAX_AGE_DAYS"
DEFAULT_KEEP = 5


class RetentionConfigError(ValueError):
    """A retention setting is not a positive whole number; the message names the variable."""


@dataclass(frozen=True)
class Retention:
    """How many runs per (employer, period) to keep, and the age after which sites go."""

    keep_last: int = DEFAULT_KEEP
    max_age_days: int | None = None

    @classmethod
    def from_env(cls, environ: dict | None = None) -> Retention:
        """Read ``$KOPPELING_DOCS_KEEP`` and ``$KOPPELING_DOCS_MAX_AGE_DAYS``."""
        env = os.environ if environ is None else environ
        keep = _positive(env, KEEP_ENV)
        return cls(keep_last=DEFAULT_KEEP if keep is None else keep,
                   max_age_days=_positive(env, MAX_AGE_ENV))


def _positive(env, name: str) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise RetentionConfigError(f"${name} must be a whole number >= 1, got {raw!r}")
    return int(raw)


def prune(root: Path, retention: Retention, employer_id: str | None = None,
          now: dt.datetime | None = None) -> list[Path]:
    """Remove the run sites the retention rule drops; return the removed folders."""
    root = Path(root)
    employers = [root / employer_id] if employer_id else _children(root)
    removed: list[Path] = []
    for employer in employers:
        for period in _children(employer):
            removed += _prune_period(period, retention, now or dt.datetime.now(dt.UTC))
    return removed


def _children(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith(("_", ".")))


def _built_at(run: Path) -> float:
    index = run / "index.html"
    return (index if index.exists() else run).stat().st_mtime


def _prune_period(period: Path, retention: Retention, now: dt.datetime) -> list[Path]:
    runs = sorted(_children(period), key=_built_at, reverse=True)
    cutoff = (now - dt.timedelta(days=retention.max_age_days)).timestamp() \
        if retention.max_age_days else None
    drop = [run for index, run in enumerate(runs) if index > 0 and (
        index >= retention.keep_last or (cutoff is not None and _built_at(run) < cutoff))]
    for run in drop:
        shutil.rmtree(run, onerror=_gone_is_fine)
    return drop


def _gone_is_fine(function, path, exc_info) -> None:
    """Let another task's prune that removed the same site first win; raise anything else."""
    if not issubclass(exc_info[0], FileNotFoundError):
        raise exc_info[1]
