"""One API call through the gate: subscription key, injected faults, bearer token, rate limit,
scope (from the spec's `security`), data access, then the route's handler."""

from __future__ import annotations

import math
import time

from simulators.nmbrs_rest_sim.contract import json_body, operation_scopes, template_regex
from simulators.nmbrs_rest_sim.documents import Raw
from simulators.nmbrs_rest_sim.errors import ApiError
from simulators.nmbrs_rest_sim.paging import Ctx
from simulators.nmbrs_rest_sim.routes import ROUTES
from simulators.nmbrs_sim.access import Caller, visible_debtors

_COMPILED = [(template_regex(t), t, handler, needs) for t, handler, needs in ROUTES]


def match(path: str):
    """Return (template, handler, needs, path params) of a served path, or None."""
    for regex, template, handler, needs in _COMPILED:
        found = regex.match(path)
        if found:
            return template, handler, needs, found.groupdict()
    return None


def answer(state, headers, path: str, query: dict, base_url: str):
    """Return a JSON-ready dict or a Raw for GET `path`; raise ApiError for an error answer."""
    found = match(path)
    template = found[0] if found else path
    time.sleep(state.knobs.latency(template))
    if headers.get("X-Subscription-Key", "") not in state.subscription_keys:
        raise ApiError("subscription_key")
    _inject(state, template)
    grant = _grant(state, headers)
    account = state.world.config.account(grant.username)
    caller = Caller(account, f"{account.username.lower()}@{account.domain.lower()}")
    state.stats.enter(template, caller.key)
    try:
        if not state.limiter.allow(caller.key, float(state.knobs.rate_limit_per_s)):
            raise _too_many(state.knobs.retry_after_s)
        if found is None:
            raise ApiError("not_found")
        _check_scope(state, template, grant.scopes)
        ctx = Ctx(state, caller, found[3], query, base_url, clock=state.clock)
        _resolve(ctx, found[2])
        return found[1](ctx)
    finally:
        state.stats.leave()


def _too_many(retry_after: float) -> ApiError:
    return ApiError("too_many_calls", headers={"Retry-After": str(max(0, math.ceil(retry_after)))})


def _inject(state, template: str) -> None:
    rule = state.pick_fault(template)
    if rule is None:
        return
    if rule.kind == "429":
        raise _too_many(rule.retry_after_s)
    raise ApiError({"500": "unknown", "502": "bad_gateway", "503": "unavailable"}[rule.kind])


def _grant(state, headers):
    auth = headers.get("Authorization", "")
    if not auth.lower().startswith("bearer ") or not auth[7:].strip():
        raise ApiError("missing_token")
    grant = state.identity.check_access(auth[7:].strip())
    if grant is None:
        raise ApiError("invalid_token", "Token is invalid or expired.")
    return grant


def _check_scope(state, template: str, granted: frozenset[str]) -> None:
    accepted = operation_scopes().get(("GET", template), frozenset())
    effective = granted - set(state.knobs.deny_scopes)
    if accepted and not accepted & effective:
        raise ApiError("scope", f"This operation accepts scope(s): {', '.join(sorted(accepted))}.")


def _resolve(ctx: Ctx, needs: str) -> None:
    """Turn the path's UUIDs into world ids, refusing unknown (404) or unseen (403) ones."""
    world, ids = ctx.state.world, ctx.state.ids
    if needs == "company":
        company_id = ids.company(ctx.params["companyId"])
        if company_id is None:
            raise ApiError("invalid_company")
        if world.debtor_of_company(company_id) not in visible_debtors(world, ctx.caller):
            raise ApiError("access_data")
        ctx.company_id = company_id
    elif needs == "debtor":
        debtor_id = ids.debtor(ctx.params["debtorId"])
        if debtor_id is None:
            raise ApiError("not_found", "Debtor not found.")
        if debtor_id not in visible_debtors(world, ctx.caller):
            raise ApiError("access_data")
        ctx.extra["debtor_id"] = debtor_id


def as_raw(result) -> Raw:
    """Serialise a handler's result."""
    if isinstance(result, Raw):
        return result
    return Raw(200, "application/json", json_body(result))
