"""`koppeling switch-source` and `koppeling preflight-rest` as the data team runs them: the
employer's Airflow connections, the consent stored in the warehouse token store."""

from __future__ import annotations

import json

import pytest

from payroll_link import runtime
from payroll_link.cli import main
from payroll_link.demo_rest import consent, rest_connection
from payroll_link.registry import load_registry
from tests.payroll_link.test_registry import REPO_REGISTRY

pytestmark = [pytest.mark.postgres, pytest.mark.simulator]
EMPLOYER = "bakkerij_van_den_berg"


@pytest.fixture
def connected(monkeypatch, warehouse_db, sim_conn, nmbrs_rest_sim, tmp_path):
    """SOAP and REST connections of the bakkerij, its consent stored; a registry copy."""
    runtime.warehouse.cache_clear()
    sim_conn("nmbrs_bakkerij_van_den_berg", "koppeling@bakkerijvandenberg.nl")
    monkeypatch.setenv("AIRFLOW_CONN_NMBRS_REST_VAN_DEN_BERG",
                       json.dumps(rest_connection(nmbrs_rest_sim.url)))
    consent(nmbrs_rest_sim.url, warehouse_db, "nmbrs_rest_van_den_berg",
            "koppeling@bakkerijvandenberg.nl")
    registry = tmp_path / "employers.yaml"
    registry.write_text(REPO_REGISTRY.read_text(encoding="utf-8"), encoding="utf-8")
    yield registry
    runtime.warehouse.cache_clear()


def run(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json", "--quiet"])
    out = capsys.readouterr().out
    return code, json.loads(out[out.index("{\n"):])  # Airflow may log a line on stdout first


def test_switch_source_compares_through_the_connections_and_refuses(connected, capsys):
    before = connected.read_bytes()
    code, out = run(capsys, "switch-source", EMPLOYER, "--to", "rest", "--registry",
                    str(connected), "--yes", "--actor", "tester")
    comparison = out["comparison"]
    assert code == 1 and out["applied"] is False and connected.read_bytes() == before
    assert comparison["company"]["matched"] and comparison["employees_matched"] > 15
    assert comparison["only_soap"] == [] and comparison["only_rest"] == []
    assert "bic" in comparison["differences"]["bank_account"]
    code, out = run(capsys, "switch-source", EMPLOYER, "--to", "rest", "--registry",
                    str(connected), "--yes", "--actor", "tester", "--accept-differences")
    assert code == 0 and out["applied"] is True
    assert load_registry(connected).by_id(EMPLOYER).source == "rest"


def test_preflight_rest_through_the_connection(connected, capsys):
    code, out = run(capsys, "preflight-rest", EMPLOYER, "--registry", str(connected))
    assert code == 0 and out["verdict"] == "ready"
    assert sum(c["check"] == "scope" and c["status"] == "ok" for c in out["checks"]) == 14
