"""The REST operations the pipeline calls: path, accepted scopes and paging, read from the spec.

Written down here (not loaded at run time) so the client needs no YAML parse; a test checks every
row against Nmbrs' published OpenAPI file from the installed `nmbrs-rest-api` package.
"""

from __future__ import annotations

from dataclasses import dataclass

from nmbrs.errors import NmbrsConfigError


@dataclass(frozen=True)
class Operation:
    """One GET operation: its spec operationId, path template, accepted scopes, paging."""

    name: str
    path: str
    scopes: tuple[str, ...]
    paged: bool = True


_C = "/api/companies/{companyId}"
_E = _C + "/employees"
_ROWS = [
    ("getUserInfo", "/api/user/info", ("user.info.read",)),
    ("getDebtorInfo", "/api/debtors/info", ("debtor.info.read",)),
    ("getDebtors", "/api/debtors", ("company.info", "company.info.read")),
    ("getCompaniesByDebtor", "/api/debtors/{debtorId}/companies",
     ("company.info.read", "company.info")),
    ("getTagsByDebtor", "/api/debtors/{debtorId}/tags", ("debtor.info.read",)),
    ("getCompanies", "/api/companies", ("company.info", "company.info.read")),
    ("getCurrentPeriod", _C + "/period", ("company.info.read", "company.info"), False),
    ("getCompanyPayrollRuns", _C + "/runs", ("company.payrollsettings.read",), False),
    ("getPayrollRunWageCodes", _C + "/runs/{payrollRunId}/wagecodes/xml",
     ("company.document.read",), False),
    ("GetDocumentContentId", "/api/documents/{taskId}", ("document.read",), False),
    ("getFixedCompanyWageComponentsByCompany", _C + "/fixedwagecomponents",
     ("company.payrollsettings.read",)),
    ("getVariableCompanyWageComponentsByCompany", _C + "/variablewagecomponents",
     ("company.payrollsettings.read",)),
    ("getEmployeesByCompany", _E, ("employee.info", "employee.info.read")),
    ("getEmployeePersonalInfoByCompany", _E + "/personalinfo",
     ("employee.info", "employee.info.read")),
    ("getPrivateInfosByCompany", _E + "/privateInfos", ("employee.info", "employee.info.read")),
    ("getAddressesByCompany", _E + "/addresses", ("employee.info", "employee.info.read")),
    ("getEmployeesChildren", _E + "/children", ("employee.info", "employee.info.read")),
    ("getBankAccountsByCompany", _E + "/bankaccounts",
     ("employee.bankaccount.read", "employee.bankaccount")),
    ("getContractsByCompany", _E + "/contracts", ("employee.employment",
                                                   "employee.employment.read")),
    ("getEmploymentsByCompany", _E + "/employments",
     ("employee.employment.read", "employee.employment")),
    ("getSalariesByCompany", _E + "/salaries", ("employee.employment",
                                                 "employee.employment.read")),
    ("getSchedulesByCompany", _E + "/schedules", ("employee.employment",
                                                   "employee.employment.read")),
    ("getSVWSettingsByCompany", _E + "/svwsettings",
     ("employee.payrollsettings", "employee.payrollsettings.read")),
    ("getFixedWageComponentsByCompany", _E + "/fixedWageComponents",
     ("employee.payment", "employee.payment.read")),
    ("getVariableWageComponentsByCompany", _E + "/variablewagecomponents",
     ("employee.payment.read", "employee.payment")),
]
OPERATIONS: dict[str, Operation] = {row[0]: Operation(*row) for row in _ROWS}

# What a consent must hold for the pipeline: the read scopes of the operations above, and
# offline_access so that a refresh token is issued at all.
REQUIRED_SCOPES: tuple[str, ...] = tuple(sorted(
    {next(s for s in op.scopes if s.endswith(".read")) for op in OPERATIONS.values()}
    | {"offline_access"}))


def operation(name: str) -> Operation:
    """Return the operation called `name` (its spec operationId)."""
    try:
        return OPERATIONS[name]
    except KeyError:
        raise NmbrsConfigError(f"Nmbrs REST: unknown operation {name!r}") from None


def accepted_by(name: str, granted: set[str] | frozenset[str]) -> bool:
    """Return whether a token with the `granted` scopes may call operation `name`."""
    return bool(set(operation(name).scopes) & set(granted))
