"""The run's own index page: a self-contained HTML summary that renders styled offline.

GX Data Docs load their CSS from CDNs and render unstyled without network; this page has its
CSS inline and links to the GX site (``gx/index.html``) for the expectation-level detail.
It shows rule ids, counts and up to 20 flagged employee or run ids, never row values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from payroll_link.quality.evaluate import Outcome

SAMPLE_SIZE = 20
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;
vertical-align:top;text-align:left}th{background:#f0f0f0}.failed.error{background:#fdd}
.failed.warning{background:#ffe9b3}.passed{background:#e6f6e6}.skipped{color:#888}
.ids{font-family:monospace;font-size:90%}.nl{color:#555}
"""


def write_index(folder: Path, header: Mapping[str, str], outcomes: Sequence[Outcome]) -> Path:
    """Write ``index.html`` into `folder` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    facts = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                    for k, v in header.items())
    rows = "".join(_row(outcome) for outcome in outcomes)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Quality {escape(header.get('employer', ''))} {escape(header.get('period', ''))}"
        f"</title><style>{_CSS}</style></head><body>"
        "<h1>Data quality / Datakwaliteit</h1>"
        f"<table class='facts'>{facts}</table>"
        "<p><a href='gx/index.html'>Great Expectations Data Docs</a> (expectation detail; "
        "unstyled offline)</p>"
        "<table><tr><th>rule</th><th>severity</th><th>status</th><th>evaluated</th>"
        "<th>failed</th><th>flagged ids (first 20)</th><th>description</th></tr>"
        f"{rows}</table></body></html>")
    path = folder / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _row(outcome: Outcome) -> str:
    rule = outcome.rule
    if outcome.evaluated == 0:
        status, css = "not evaluated", "skipped"
    else:
        status = "passed" if outcome.passed else "failed"
        css = status if outcome.passed else f"failed {rule.severity}"
    ids = ", ".join(str(key) for key in outcome.keys[:SAMPLE_SIZE])
    if rule.key_kind != "employee_id" and ids:
        ids = f"{rule.key_kind}: {ids}"
    return (f"<tr class='{css}'><td>{escape(rule.id)}</td><td>{rule.severity}</td>"
            f"<td>{status}</td><td>{outcome.evaluated}</td><td>{outcome.failed}</td>"
            f"<td class='ids'>{escape(ids)}</td><td>{escape(rule.description.en)}"
            f"<br><span class='nl'>{escape(rule.description.nl)}</span></td></tr>")
