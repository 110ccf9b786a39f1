"""Extraction: the DAG steps (steps, publish, pool, runner) and the payroll sources."""
