"""Import rules of STYLE.md, read with `ast`: a wrong arrow between layers fails here."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / "plugins"
# redis: the fair-use budget shared by every worker of an account (nmbrs/client/fairuse.py).
CLIENT_ALLOWED = {"zeep", "requests", "lxml", "nmbrs", "redis"}
# The Airflow face of the pipeline package: everything else in it stays free of Airflow.
PIPELINE_AIRFLOW_FACE = {"runtime.py", "timetable.py", "dagfactory.py", "onboarding/access.py",
                         "alerts/channels.py", "alerts/notifier.py"}
DEMO = {"demo.py"}  # the demo starts the simulators: the one product module allowed to


def imports(path: Path, module_level_only: bool = False) -> set[str]:
    """Return the top-level names of every module `path` imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = tree.body if module_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def py_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", py_files(PLUGINS / "nmbrs" / "client"), ids=str)
def test_client_imports_only_stdlib_zeep_requests_lxml(path):
    foreign = {name for name in top(imports(path))
               if name not in sys.stdlib_module_names and name not in CLIENT_ALLOWED}
    assert not foreign, f"{path.relative_to(REPO)} imports {sorted(foreign)}"


@pytest.mark.parametrize("path", py_files(PLUGINS / "payroll_link"), ids=str)
def test_pipeline_package_keeps_airflow_zeep_and_simulators_out(path):
    relative = path.relative_to(PLUGINS / "payroll_link").as_posix()
    names = imports(path)
    assert "zeep" not in top(names), f"{relative} imports zeep (use nmbrs.client)"
    if relative not in PIPELINE_AIRFLOW_FACE | DEMO and not relative.startswith("cli/"):
        airflow = {n for n in names if n.split(".")[0] == "airflow" or n.startswith(
            "nmbrs.hooks")}
        assert not airflow, f"{relative} imports {sorted(airflow)}"
    if relative not in DEMO:
        assert "simulators" not in top(names), f"{relative} imports the simulators"


@pytest.mark.parametrize("path", py_files(REPO / "dags"), ids=str)
def test_dag_files_import_nothing_heavy_at_module_level(path):
    heavy = {n for n in imports(path, module_level_only=True)
             if n.split(".")[0] in {"zeep", "great_expectations", "pandas", "simulators"}
             or n.startswith(("nmbrs.client", "nmbrs.hooks"))}
    assert not heavy, f"{path.name} imports {sorted(heavy)} at parse time"


def test_nmbrs_client_part_never_imports_the_airflow_face():
    for path in py_files(PLUGINS / "nmbrs" / "client"):
        assert not any(n.startswith("nmbrs.hooks") for n in imports(path)), path


def test_pypi_package_nmbrs_is_not_installed_over_plugins_nmbrs():
    lock = (REPO / "requirements.txt").read_text().lower()
    assert "\nnmbrs==" not in lock and not lock.startswith("nmbrs==")
    import nmbrs

    assert Path(nmbrs.__file__).resolve().is_relative_to(PLUGINS)


SOURCE_NEUTRAL = ("staging.py", "extraction/steps.py", "extraction/runner.py",
                  "extraction/publish.py", "extraction/pool.py", "extraction/sources/base.py",
                  "warehouse/", "quality/", "handoff/")


@pytest.mark.parametrize("path", [p for p in py_files(PLUGINS / "payroll_link") if p.relative_to(
    PLUGINS / "payroll_link").as_posix().startswith(SOURCE_NEUTRAL)], ids=str)
def test_source_neutral_modules_never_import_a_source_client(path):
    names = imports(path)
    client = {n for n in names if n.startswith(("nmbrs.", "zeep"))
              or n.startswith("payroll_link.extraction.sources.soap")}
    assert not client, f"{path.relative_to(REPO)} imports {sorted(client)}"
