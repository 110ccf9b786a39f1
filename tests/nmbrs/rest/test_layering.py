"""The REST client part imports no Airflow (directly or through nmbrs.hooks)."""

from __future__ import annotations

import sys

import pytest

from tests.test_architecture import PLUGINS, REPO, imports, py_files, top

REST_ALLOWED = {"requests", "cryptography", "psycopg2", "nmbrs"}


@pytest.mark.parametrize("path", py_files(PLUGINS / "nmbrs" / "rest"), ids=str)
def test_rest_client_imports_only_stdlib_requests_and_the_client_part(path):
    names = imports(path)
    foreign = {name for name in top(names)
               if name not in sys.stdlib_module_names and name not in REST_ALLOWED}
    hooks = {name for name in names if name.startswith("nmbrs.hooks")}
    assert not foreign and not hooks, f"{path.relative_to(REPO)} imports {foreign | hooks}"


@pytest.mark.parametrize("path", py_files(PLUGINS / "nmbrs" / "rest"), ids=str)
def test_rest_client_shares_only_the_neutral_error_families_at_import(path):
    soap = {name for name in imports(path, module_level_only=True)
            if name.startswith("nmbrs.client")}
    assert not soap, f"{path.relative_to(REPO)} loads the SOAP client (zeep): {sorted(soap)}"


def test_rest_errors_are_the_soap_client_families():
    from nmbrs.client import errors as soap
    from nmbrs.rest import errors as rest

    for name in ("NmbrsAuthError", "NmbrsConfigError", "NmbrsRequestError",
                 "NmbrsResponseError", "NmbrsTransientError", "NmbrsError"):
        assert getattr(rest, name) is getattr(soap, name)
