"""Airflow payroll DAGs, shard 6 of 8: one DAG per realised employer (payroll_link.dagfactory).

The words "airflow" and "dag" must stay in this file: Airflow's safe mode skips files without.
"""

from payroll_link.dagfactory import dags_for_shard

globals().update(dags_for_shard(6))
