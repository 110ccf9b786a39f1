"""Onboarding of employers: preflight of a registration, employees-file intake, registry lifecycle.

Preflight, intake and the employees file take an ``NmbrsClient`` (constructor injection) and
never import Airflow; ``access`` builds that client from an Airflow connection (lazily) or from
an environment variable holding the token. Personal data (BSN, IBAN, salary) is never read into
results; employee names and birth dates appear only in the intake's detail report file.
"""
