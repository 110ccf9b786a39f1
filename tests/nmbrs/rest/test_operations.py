"""The operation table against Nmbrs' published OpenAPI file (from the installed package)."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from nmbrs.rest.operations import OPERATIONS, REQUIRED_SCOPES, accepted_by


@pytest.fixture(scope="module")
def spec_gets() -> dict:
    text = (resources.files("nmbrs_rest") / "_spec" / "nmbrs-openapi.yaml").read_text()
    spec = yaml.safe_load(text)
    return {item["get"]["operationId"]: (path, item["get"])
            for path, item in spec["paths"].items() if "get" in item}


def _params(get: dict) -> set[str]:
    return {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in get.get("parameters", [])}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_matches_the_published_spec(spec_gets, name):
    op = OPERATIONS[name]
    path, get = spec_gets[name]
    scopes = {s for requirement in get["security"] for s in requirement["Bearer"]}
    assert op.path == path
    assert set(op.scopes) == scopes
    assert op.paged == ("pageNumber" in _params(get))


def test_required_scopes_are_declared_by_the_spec(spec_gets):
    text = (resources.files("nmbrs_rest") / "_spec" / "nmbrs-openapi.yaml").read_text()
    declared = yaml.safe_load(text)["components"]["securitySchemes"]["Bearer"]["flows"][
        "authorizationCode"]["scopes"]
    assert set(REQUIRED_SCOPES) <= set(declared)
    assert "offline_access" in REQUIRED_SCOPES


def test_read_scope_alone_is_enough_for_every_operation():
    for name in OPERATIONS:
        assert accepted_by(name, set(REQUIRED_SCOPES)), name
