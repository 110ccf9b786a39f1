"""Fixtures of the Airflow plugin tests: the overview's real exchange history."""

from tests.payroll_link.overview.conftest import history  # noqa: F401 - shared fixture
