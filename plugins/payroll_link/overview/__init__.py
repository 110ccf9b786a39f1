"""The exchange overview the status page shows: per employer and per period, ids and counts only.

``queries`` reads the warehouse's ``ops`` tables, ``model`` combines them with the registry into
rows, ``render`` turns rows into escaped, server-rendered HTML. No Airflow import: the Airflow
plugin ``plugins/payroll_status_page.py`` is the thin web face.
"""
