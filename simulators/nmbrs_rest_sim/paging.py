"""The spec's pagination block, and the company-wide per-employee endpoints built on it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from simulators.nmbrs_rest_sim.errors import invalid_param
from simulators.nmbrs_rest_sim.ids import rest_id

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class Ctx:
    """One API request, as the route handlers see it."""

    state: object
    caller: object  # simulators.nmbrs_sim.access.Caller
    params: dict  # path parameters
    query: dict  # query parameter -> list of values
    base_url: str  # scheme://host:port/path, for the pagination links
    clock: date = None
    company_id: int | None = None
    year_period: tuple[int, int] | None = None
    extra: dict = field(default_factory=dict)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def int_arg(self, name: str, default: int | None = None) -> int | None:
        raw = self.arg(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise invalid_param(name, "The parameter is invalid. It needs to be an integer.") \
                from None

    def created_from(self) -> str | None:
        """Return createdFrom as a comparable UTC timestamp string, or None."""
        raw = self.arg("createdFrom")
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise invalid_param("createdFrom", "It needs to be a date-time.") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def page_args(ctx: Ctx) -> tuple[int, int]:
    """Return (pageNumber, pageSize), refusing values outside the spec's bounds."""
    number = ctx.int_arg("pageNumber", 1)
    size = ctx.int_arg("pageSize", DEFAULT_PAGE_SIZE)
    if number < 1:
        raise invalid_param("pageNumber", "The parameter is invalid. Minimum is 1.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise invalid_param("pageSize", f"The parameter is invalid. It must be 1..{MAX_PAGE_SIZE}.")
    return number, size


def _link(ctx: Ctx, number: int, size: int) -> str:
    query = {k: v for k, v in ctx.query.items() if k not in ("pageNumber", "pageSize")}
    pairs = [(k, x) for k, values in query.items() for x in values]
    pairs += [("pageNumber", number), ("pageSize", size)]
    return f"{ctx.base_url}?{urlencode(pairs)}"


def paged(ctx: Ctx, total: int, build) -> dict:
    """Return {"pagination": …, "data": build(start, stop)} for the asked page of `total` items."""
    number, size = page_args(ctx)
    pages = max(1, math.ceil(total / size))
    start = (number - 1) * size
    data = build(start, min(start + size, total)) if start < total else []
    return {"pagination": {
        "pageNumber": number, "pageSize": size,
        "firstPage": _link(ctx, 1, size), "lastPage": _link(ctx, pages, size),
        "totalPages": pages, "totalRecords": total,
        "nextPage": _link(ctx, number + 1, size) if number < pages else None,
        "previousPage": _link(ctx, number - 1, size) if 1 < number <= pages + 1 else None,
    }, "data": data}


def paged_list(ctx: Ctx, items: list) -> dict:
    """Page an already built list."""
    return paged(ctx, len(items), lambda a, b: items[a:b])


def employee_ids(ctx: Ctx, filterable: bool = True) -> list[int]:
    """Return the company's employee ids, narrowed by the employeeId query parameter."""
    company = ctx.state.world.company(ctx.company_id)
    ids = company.employee_ids()
    wanted = ctx.arg("employeeId") if filterable else None
    if wanted is None:
        return ids
    found = ctx.state.ids.employee(ctx.company_id, wanted)
    return [found] if found is not None else []


def per_employee(ctx: Ctx, key: str, builder, filterable: bool = True) -> dict:
    """Answer a company-wide endpoint: one data item per employee, its records under `key`."""
    ids = employee_ids(ctx, filterable)
    since = ctx.created_from()
    company = ctx.state.world.company(ctx.company_id)

    def build(start: int, stop: int) -> list[dict]:
        items = []
        for employee_id in ids[start:stop]:
            records = builder(company.employee(employee_id), ctx)
            if since is not None:
                records = [r for r in records if r.get("createdAt", since) >= since]
            items.append({"employeeId": rest_id("employee", employee_id), key: records})
        return items

    return paged(ctx, len(ids), build)
