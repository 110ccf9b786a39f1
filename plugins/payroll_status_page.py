"""Airflow plugin: the "Salariskoppeling" status page in Airflow's UI (a FastAPI app + a nav entry).

The api-server mounts the app at ``/koppeling``; the navigation entry shows it inside the UI.
Airflow does not authenticate a plugin's app, so every route depends on ``logged_in`` (Airflow's
own JWT check: bearer header or the UI's ``_token`` cookie); a browser without a session is sent
to the login page, anything else gets 401. The page itself is built by ``payroll_link.overview``
(queries and HTML, no Airflow); this file only wires requests to it.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.exc import SQLAlchemyError

from payroll_link.registry import RegistryError
from payroll_link.warehouse.errors import MigrationError

URL_PREFIX = "/koppeling"


async def logged_in(request: Request):
    """Return the Airflow user of the request (raises 401/403 without a valid token)."""
    from airflow.api_fastapi.core_api.security import bearer_scheme, get_user

    return await get_user(request, None, await bearer_scheme(request))


app = FastAPI(title="Salariskoppeling", dependencies=[Depends(logged_in)], docs_url=None,
              redoc_url=None, openapi_url=None)


@app.exception_handler(HTTPException)
async def _login_first(request: Request, exc: HTTPException):
    if exc.status_code in (401, 403) and "text/html" in request.headers.get("accept", ""):
        from airflow.api_fastapi.app import get_auth_manager

        login = get_auth_manager().get_url_login(next_url=str(request.url))
        return RedirectResponse(login, status_code=303)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


def _base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


@app.exception_handler(SQLAlchemyError)
async def _warehouse_down(request: Request, exc: SQLAlchemyError):
    from payroll_link.overview import render

    # Only the class: a driver's message may carry the connection URL.
    return HTMLResponse(render.unavailable_page("The warehouse", type(exc).__name__), 503)


@app.exception_handler(MigrationError)
async def _warehouse_not_migrated(request: Request, exc: MigrationError):
    from payroll_link.overview import render

    # runtime.warehouse() refuses a schema that lacks a migration (a deploy step was missed);
    # the message names migration files only.
    return HTMLResponse(render.unavailable_page("The warehouse", f"MigrationError: {exc}"), 503)


@app.exception_handler(RegistryError)
async def _registry_broken(request: Request, exc: RegistryError):
    from payroll_link.overview import render

    return HTMLResponse(render.unavailable_page("The employer registry", exc.reason), 503)


@app.get("/", response_class=HTMLResponse)
def overview(request: Request) -> str:
    """One row per employer of the registry."""
    from payroll_link import runtime
    from payroll_link.overview import model, render

    today = model.today_in_amsterdam()
    registry = runtime.registry()
    with runtime.warehouse().engine.connect() as conn:
        rows = model.employer_rows(conn, registry.employers, today)
    return render.overview_page(_base(request), rows, today, [str(e) for e in registry.errors])


@app.get("/employer/{employer_id}", response_class=HTMLResponse)
def employer(request: Request, employer_id: str) -> str:
    """An employer's detail view: its periods and what a.s.r. received for each."""
    from payroll_link import runtime
    from payroll_link.overview import model, render

    found = [e for e in runtime.registry().employers if e.employer_id == employer_id]
    if not found:
        raise HTTPException(404, "employer not in the registry")
    with runtime.warehouse().engine.connect() as conn:
        row = model.employer_rows(conn, found, model.today_in_amsterdam())[0]
        periods = model.period_rows(conn, found[0])
    return render.employer_page(_base(request), row, periods)


@app.get("/quality/{quality_run_id}/{path:path}")
def quality_page(quality_run_id: str, path: str = "") -> FileResponse:
    """A file of a quality run's site (our page, or GX's detail pages beside it)."""
    from payroll_link import runtime
    from payroll_link.overview import quality_files, queries
    from payroll_link.quality.gate import default_docs_root

    run_id = quality_files.run_id_or_none(quality_run_id)
    if run_id is None:
        raise HTTPException(404, "no such quality run")
    with runtime.warehouse().engine.connect() as conn:
        docs_path = queries.quality_page(conn, run_id)
    target = quality_files.site_file(default_docs_root(), docs_path, path)
    if target is None:
        raise HTTPException(404, "quality page not found (removed by retention?)")
    return FileResponse(target)


class PayrollStatusPagePlugin(AirflowPlugin):
    """Mount the status page and put it in Airflow's navigation."""

    name = "payroll_status_page"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "Salariskoppeling"}]
    external_views = [{"name": "Salariskoppeling", "href": URL_PREFIX.lstrip("/") + "/",
                       "url_route": "salariskoppeling", "destination": "nav"}]
