"""Nmbrs SOAP API v3 client (no Airflow imports here): settings, errors, client, rows."""

from nmbrs.client.client import NmbrsClient
from nmbrs.client.errors import (
    NmbrsAuthError,
    NmbrsConfigError,
    NmbrsError,
    NmbrsFault,
    NmbrsRequestError,
    NmbrsResponseError,
    NmbrsTransientError,
)
from nmbrs.client.settings import NmbrsSettings, Secret

__all__ = [
    "NmbrsAuthError", "NmbrsClient", "NmbrsConfigError", "NmbrsError", "NmbrsFault",
    "NmbrsRequestError", "NmbrsResponseError", "NmbrsSettings", "NmbrsTransientError", "Secret",
]
