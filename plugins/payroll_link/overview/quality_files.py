"""Find a file of a quality run's site for the status page, never outside the Data Docs root."""

from __future__ import annotations

import uuid
from pathlib import Path


def run_id_or_none(value: str) -> str | None:
    """Return the quality run id in canonical form, or None when it is not a UUID."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def site_file(docs_root: Path, docs_path: str | None, relative: str) -> Path | None:
    """Return the file `relative` of the run site whose page is `docs_path`, or None.

    None when the run has no page, the site was removed by retention, or the path leaves the
    Data Docs root (``..``, absolute paths; the shared GX static folder inside the root is
    reachable through the site's ``static`` link).
    """
    if not docs_path:
        return None
    root = Path(docs_root).resolve()
    site = Path(docs_path).parent
    target = (site / (relative or "index.html")).resolve()
    if not target.is_relative_to(root) or not site.resolve().is_relative_to(root):
        return None
    return target if target.is_file() else None
