"""Scopes: what an account may consent to, and what an operation accepts (read from the spec).

An account's scopes follow its SOAP template grants: a scope is withheld when any SOAP call that
it replaces is not granted (e.g. no SVW_GetCurrent -> no employee.payrollsettings.read).
"""

from __future__ import annotations

READ_SCOPES = frozenset({
    "company.info.read", "company.payrollsettings.read", "company.document.read",
    "employee.info.read", "employee.employment.read", "employee.payment.read",
    "employee.bankaccount.read", "employee.payrollsettings.read", "debtor.info.read",
    "user.info.read", "document.read", "offline_access",
})

# REST scope -> the SOAP calls whose data it opens (the grant list's counterparts).
SOAP_CALLS_OF_SCOPE = {
    "company.info.read": ("Company_GetCurrentPeriod",),
    "company.payrollsettings.read": ("WageComponentFixed_Get", "WageComponentVar_Get"),
    "company.document.read": ("Reports_GetWageCodesByRunCompany_v2",),
    "employee.info.read": ("List_GetByCompany", "PersonalInfo_GetCurrent",
                           "Address_GetListCurrent", "Children_Get", "Partner_Get"),
    "employee.employment.read": ("Contract_GetCurrentPeriod", "Schedule_GetCurrent",
                                 "Employment_GetAll_AllEmployeesByCompany",
                                 "Salary_GetAll_AllEmployeesByCompany"),
    "employee.payment.read": ("WageComponentFixed_Get", "WageComponentVar_Get"),
    "employee.bankaccount.read": ("BankAccount_GetList",),
    "employee.payrollsettings.read": ("SVW_GetCurrent",),
}


def allowed_scopes(account) -> frozenset[str]:
    """Return the read scopes a world account may consent to."""
    if account.grants == "all":
        return READ_SCOPES
    granted = set(account.grants)
    return frozenset(s for s in READ_SCOPES
                     if all(call in granted for call in SOAP_CALLS_OF_SCOPE.get(s, ())))
