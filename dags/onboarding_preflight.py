"""Onboarding preflight: check a payroll processor's registration against Nmbrs.

Trigger it from the UI with the registration's details. The API token is read **only** from the
Airflow connection named in `nmbrs_conn_id` (type `nmbrs`: login = API user, password = token,
extra.domain; host or extra.base_url for a sandbox or simulator); there is no token param.
The username and domain params, when filled in, override the connection's, so one connection
can be checked against what the payroll processor registered.

1. `run_preflight` — credentials and domain (a wrong token is told apart from a wrong domain via
   `Environment_Get`), the company by its literal name (near matches suggested), per-debtor: the
   16 granted calls once each plus `Run_GetList` and the wage-code path; umbrella: the debtor tag
   `a.s.r. salariskoppeling`; the declared DGA, or a DGA indicated in Nmbrs but not declared.
2. `report_verdict` — logs the report with the actions for the payroll processor (Dutch and
   English) and fails the run when the employer is not ready.

The result (XCom of `run_preflight`) is the same JSON as `koppeling preflight --json`; it holds
ids, statuses and messages only, never a token or personal data.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task

PARAMS = {
    "company_name": Param("", type="string", minLength=1,
                          description="Company name, literally as spelled in Nmbrs"),
    "account_mode": Param("per_debtor", type="string", enum=["per_debtor", "umbrella"],
                          description="per_debtor (own API user) or umbrella (tagged debtors)"),
    "nmbrs_conn_id": Param("", type="string", minLength=1,
                           description="Airflow connection (type nmbrs) holding the API token"),
    "username": Param(None, type=["null", "string"],
                      description="API user e-mail as registered (default: the connection's)"),
    "domain": Param(None, type=["null", "string"],
                    description="Nmbrs domain as registered (default: the connection's)"),
    "dga_name": Param(None, type=["null", "string"], description="DGA name, if any"),
    "dga_employee_number": Param(None, type=["null", "integer"],
                                 description="DGA employee number, if any"),
}


@dag(dag_id="onboarding_preflight", schedule=None, catchup=False, max_active_runs=4,
     params=PARAMS, doc_md=__doc__, tags=["onboarding", "nmbrs"],
     default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(seconds=30)})
def onboarding_preflight():
    """Check one registration; the run fails when the employer is not ready."""

    @task
    def run_preflight(params=None) -> dict:
        """Run the checks with the token of the named connection; return the JSON result."""
        from airflow.sdk.exceptions import AirflowFailException

        from payroll_link.onboarding.access import AccessError, settings_from_connection
        from payroll_link.onboarding.preflight import preflight_from_params

        try:
            settings = settings_from_connection(params["nmbrs_conn_id"],
                                                username=params.get("username"),
                                                domain=params.get("domain"))
        except AccessError as err:  # a missing connection does not heal by retrying
            raise AirflowFailException(str(err)) from err
        return preflight_from_params(settings, params)

    @task
    def report_verdict(result: dict) -> str:
        """Log the report and the actions; fail the run when the employer is not ready."""
        import logging

        from airflow.sdk.exceptions import AirflowFailException

        from payroll_link.onboarding.render import render_preflight

        logging.getLogger(__name__).info("\n%s", render_preflight(result))
        if not result["ready"]:
            raise AirflowFailException("not ready: see the actions in the log of this task")
        return result["verdict"]

    report_verdict(run_preflight())


onboarding_preflight()
