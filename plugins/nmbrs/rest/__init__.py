"""Nmbrs REST API client (no Airflow imports here): settings, operations, client, OAuth."""
