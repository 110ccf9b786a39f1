"""The import contracts in `.importlinter`, checked by import-linter (indirect imports too)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def lint(config: Path, cwd: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(extra_path), env.get("PYTHONPATH", "")])
    return subprocess.run([*LINT, "--config", str(config), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_nothing_after_extraction_imports_a_source_client():
    result = lint(REPO / ".importlinter", REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " 0 broken" in result.stdout
    assert "contract:source-neutral" in (REPO / ".importlinter").read_text()


def test_an_indirect_import_of_the_client_breaks_the_contract(tmp_path):
    package = tmp_path / "probe_pipeline"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "handoff.py").write_text("from probe_pipeline import helper\n")
    (package / "helper.py").write_text("import nmbrs.rest.client\n")
    config = tmp_path / "contracts.ini"
    config.write_text("[importlinter]\nroot_packages =\n    probe_pipeline\n    nmbrs\n\n"
                      "[importlinter:contract:neutral]\nname = neutral\ntype = forbidden\n"
                      "source_modules =\n    probe_pipeline.handoff\n"
                      "forbidden_modules =\n    nmbrs.rest\n")
    result = lint(config, tmp_path, tmp_path)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "probe_pipeline.handoff -> probe_pipeline.helper" in result.stdout
    assert "BROKEN" in result.stdout
