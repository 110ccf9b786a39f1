"""The published REST spec, read from the installed nmbrs-rest-api package (never copied here).

Gives the operations' path templates and accepted scopes, and validates responses with
openapi-core. The vendor's file fails openapi-spec-validator's check of the whole document (a
schema outside our endpoints), so the document check is skipped; every response is still
checked against its operation's declared responses.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files

import yaml

SPEC_RESOURCE = ("nmbrs_rest", "_spec/nmbrs-openapi.yaml")
SPEC_HOST = "https://api.nmbrsapp.com"


def spec_path() -> str:
    """Return the file path of the installed spec."""
    package, name = SPEC_RESOURCE
    return str(files(package).joinpath(name))


@lru_cache(maxsize=1)
def spec() -> dict:
    """Return the parsed spec."""
    with open(spec_path(), encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=1)
def operation_scopes() -> dict[tuple[str, str], frozenset[str]]:
    """Return (METHOD, path template) -> the scopes the operation accepts (any one suffices)."""
    found = {}
    for template, item in spec()["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                scopes = {s for req in op.get("security", []) for v in req.values() for s in v}
                found[(method.upper(), template)] = frozenset(scopes)
    return found


def template_regex(template: str) -> re.Pattern:
    """Return a regex matching concrete paths of a template; groups named like the params."""
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{pattern}$")


@lru_cache(maxsize=1)
def _openapi():
    from openapi_core import Config, OpenAPI

    return OpenAPI.from_dict(spec(), config=Config(spec_validator_cls=None))


def response_errors(method: str, path: str, status: int, content_type: str,
                    body: bytes) -> list[str]:
    """Return why a response leaves the spec ([] when it conforms)."""
    from openapi_core.testing import MockRequest, MockResponse

    request = MockRequest(SPEC_HOST, method.lower(), path)
    response = MockResponse(body, status_code=status, content_type=content_type)
    try:
        _openapi().validate_response(request, response)
    except Exception as err:  # every validation failure is a finding, whatever its class
        return [_describe(err)]
    return []


def _describe(err: Exception) -> str:
    """Name what is wrong and where (JSON path), without echoing the whole value."""
    causes, seen = [], err
    while seen is not None and not causes:
        causes = [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:200]}"
                  for e in list(getattr(seen, "schema_errors", None) or [])[:3]]
        seen = seen.__cause__
    return f"{type(err).__name__}: " + ("; ".join(causes) if causes else str(err)[:200])


def json_body(data) -> bytes:
    """Serialise a JSON answer."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
