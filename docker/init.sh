#!/usr/bin/env bash
# The airflow-init service (one-shot; every Airflow process waits for it to complete):
#   1. the connections the registry needs are in the environment (AIRFLOW_CONN_* from .env)
#   2. Airflow's metadata schema            airflow db migrate
#   3. the warehouse schema (sql/)          python -m payroll_link.cli migrate   ($WAREHOUSE_URL)
#   4. one pool per Nmbrs connection        python -m payroll_link.cli pools     (before any DAG runs)
# Every step is idempotent: re-running init (docker compose up) changes nothing that is current.
set -euo pipefail

step() { echo "[airflow-init] $*"; }

step "connections for registry ${KOPPELING_REGISTRY:-<default>}"
python /opt/koppeling/docker/check_connections.py

step "airflow db migrate"
airflow db migrate

step "warehouse migrations"
python -m payroll_link.cli migrate

step "Nmbrs account pools"
python -m payroll_link.cli pools --slots "${KOPPELING_POOL_SLOTS:-2}"

step "done"
