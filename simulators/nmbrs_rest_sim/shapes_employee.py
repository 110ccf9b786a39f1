"""One employee's REST records per company-wide endpoint, built from the SOAP world's data.

Each builder returns the list that sits under the endpoint's key in
``{"employeeId": …, "<key>": [...]}``. Where SOAP answers only the current value, these answer
the history the world holds (employments, salaries, part-time segments, addresses, SVW per
employment), each record with ``createdAt``.
"""

from __future__ import annotations

from datetime import date

from simulators.nmbrs_rest_sim.ids import rest_id
from simulators.nmbrs_rest_sim.wire import day, number, period, ts
from simulators.nmbrs_sim.dataset_periods import period_bounds, period_of, rng_for
from simulators.nmbrs_sim.dataset_schedule import schedule_row
from simulators.nmbrs_sim.handlers import employee_components

MARITAL = {"Ongehuwd": "unmarried", "Gescheiden": "divorced", "Gehuwd": "married",
           "Samenwonend": "livingTogether", "Geregistreerd partnerschap": "registeredPartner"}
ASCRIPTION = {"E": (1, "Eigen geslachtsnaam"),
              "V": (3, "Geslachtsnaam partner gevolgd door eigen geslachtsnaam")}
# Reasons an employment ended (debtor-wide list, GET /api/debtors/endcontractreasons/{Year}).
END_REASONS = {1: "Einde contract bepaalde tijd", 2: "Ontslag op verzoek werknemer",
               3: "Ontslag door werkgever", 4: "Beëindiging met wederzijds goedvinden"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _period_of_day(employee, when: date) -> dict:
    return period(*period_of(employee.plan.frequency, when))


def employee_type(employee, clock: date) -> str:
    """Return "payroll" while employed in or after the clock's period, else "formerPayroll"."""
    first = period_bounds(employee.plan.frequency, *period_of(employee.plan.frequency, clock))[0]
    return "payroll" if employee.timeline.active_from(first) else "formerPayroll"


def basic_info(employee, clock: date) -> dict:
    """Return EmployeeBasic."""
    person = employee.person
    return {"employeeNumber": employee.number, "firstName": person.first_name,
            "firstNameInFull": " ".join(person.given_names), "prefix": person.prefix,
            "initials": person.initials, "lastName": person.last_name,
            "employeeType": employee_type(employee, clock)}


def personal_info(employee, ctx) -> list[dict]:
    """Return PersonalInfo records (the world keeps one version per employee)."""
    soap = employee.personal_info(ctx.clock)
    code, text = ASCRIPTION.get(soap["Naamstelling"], ASCRIPTION["E"])
    first = employee.timeline.employments[0]
    return [{
        "personalInfoId": rest_id("personalinfo", employee.id),
        "basicInfo": basic_info(employee, ctx.clock),
        "birthInfo": {"birthDate": ts(soap["Birthday"]),
                      "birthCountry": {"codeISO": soap["CountryOfBirthISOCode"]},
                      "nationality": {"codeISO": _nationality(employee)},
                      "deceasedOn": None, "gender": soap["Gender"]},
        "contactInfo": {"privateEmail": soap["EmailPrivate"], "businessEmail": soap["EmailWork"],
                        "businessPhone": None, "businessMobilePhone": None,
                        "privatePhone": soap["TelephonePrivate"],
                        "privateMobilePhone": soap["TelephoneMobilePrivate"], "otherPhone": None},
        "partnerInfo": {"partnerPrefix": soap["PartnerPrefix"],
                        "partnerName": soap["PartnerLastName"],
                        "ascription": {"code": code, "ascription": text},
                        "maritalStatus": MARITAL.get(soap["BurgerlijkeStaat"], "notSpecified")},
        "emergencyInfo": {"emergencyContact": soap["InCaseOfEmergency"],
                          "emergencyPhone": soap["InCaseOfEmergencyPhone"],
                          "emergencyRelationship": soap["InCaseOfEmergencyRelation"]},
        "period": _period_of_day(employee, first.start),
        "createdAt": ts(first.created),
    }]


def _nationality(employee) -> str:
    return employee._address_history[0][1]["CountryISOCode"]


def private_infos(employee, ctx) -> list[dict]:
    """Return the BSN record."""
    return [{"BSN": employee.bsn, "createdAt": ts(employee.timeline.employments[0].created)}]


def addresses(employee, ctx) -> list[dict]:
    """Return the home-address history: one record per move, the latest one default."""
    history = employee._address_history
    rows = []
    for i, (start, soap) in enumerate(history):
        rows.append({
            "addressId": rest_id("address", employee.id * 10 + i + 1),
            "isDefault": i == len(history) - 1, "type": "homeAddress",
            "street": soap["Street"], "houseNumber": soap["HouseNumber"],
            "houseNumberAddition": soap["HouseNumberAddition"], "postalCode": soap["PostalCode"],
            "city": soap["City"], "stateProvince": soap["StateProvince"],
            "countryISOCode": soap["CountryISOCode"],
            "period": _period_of_day(employee, start), "createdAt": ts(start),
        })
    return rows


def bank_accounts(employee, ctx) -> list[dict]:
    """Return the salary account, created when the employee was first hired."""
    first = employee.timeline.first_start
    (soap,) = employee.bank_accounts(*reversed(period_of(employee.plan.frequency, first)))
    return [{"bankAccountId": rest_id("bankaccount", soap["Id"]), "number": soap["Number"],
             "description": soap["Description"], "IBAN": soap["IBAN"], "city": "",
             "name": soap["Name"], "bankAccountType": "standard", "createdAt": ts(first)}]


def contracts(employee, ctx) -> list[dict]:
    """Return every contract (one per part-time segment of every valid employment)."""
    return [{"contractId": rest_id("contract", c["ContractID"]), "startDate": ts(c["StartDate"]),
             "trialPeriod": ts(c["TrialPeriod"]), "endDate": ts(c["EndDate"]),
             "indefinite": c["Indefinite"], "writtenContract": c["WrittenContract"],
             "hoursPerWeek": number(c["HoursPerWeek"]), "createdAt": ts(c["CreationDate"])}
            for c in employee.contracts()]


def schedules(employee, ctx) -> list[dict]:
    """Return one schedule per part-time change."""
    rows = []
    for i, change in enumerate(employee.timeline.parttime, start=1):
        soap = schedule_row(employee, change)
        week = {f"hours{d}": number(soap[f"Hours{d}"]) for d in WEEKDAYS}
        hours = sum(soap[f"Hours{d}"] for d in WEEKDAYS)
        rows.append({"scheduleId": rest_id("schedule", employee.id * 100 + i),
                     "startDate": ts(change.start),
                     "parttimePercentage": number(soap["ParttimePercentage"]),
                     "hoursPerWeek": number(hours),
                     "daysPerWeek": sum(1 for d in WEEKDAYS if soap[f"Hours{d}"] > 0),
                     "week1": week, "week2": dict(week), "createdAt": ts(change.created)})
    return rows


def salaries(employee, ctx) -> list[dict]:
    """Return the full-time salary history (the SOAP Salary_V2 records)."""
    return [{"salaryId": rest_id("salary", employee.id * 100 + i), "startDate": ts(c.start),
             "type": "grossFulltimeSalary", "value": number(c.value), "createdAt": ts(c.created)}
            for i, c in enumerate(employee.timeline.salaries, start=1)]


def end_reason(employee, job) -> dict:
    """Return the endContractReason of an employment (nulls while it runs)."""
    if job.end is None:
        return {"code": None, "reason": None}
    if any(c["EndDate"] and c["EndDate"].date() == job.end and not c["Indefinite"]
           for c in employee.contracts()):
        code = 1
    else:
        code = rng_for(employee.plan.seed, job.id, "end-reason").choice((2, 3, 4))
    return {"code": code, "reason": END_REASONS[code]}


def employments(employee, ctx) -> list[dict]:
    """Return every employment (including a cancelled one of the dirty profile)."""
    return [{"employmentId": rest_id("employment", job.id), "creationDate": ts(job.created),
             "startDate": ts(job.start), "endDate": ts(job.end),
             "seniorityDate": ts(job.initial_start), "endContractReason": end_reason(employee, job),
             "changedDate": ts(job.created)}
            for job in employee.timeline.employments]


def svw_settings(employee, ctx) -> list[dict]:
    """Return the SVW settings per valid employment (a re-hire gets a new tax sequence)."""
    rows = []
    for job in (j for j in employee.timeline.employments if j.valid):
        soap = employee.svw_current(job.start)
        cao = {"code": soap["CodeCao"], "CAODescription": f"CAO {soap['CodeCao']}"}
        rows.append({
            "employeeId": rest_id("employee", employee.id), "ZW": soap["Zw"], "WW": soap["Ww"],
            "waoWia": soap["Wao_Wia"], "natureOfEmployment": str(soap["EmploymentType"]),
            "phaseClassification": str(soap["PhaseClassification"]),
            "taxSequenceNumber": job.sequence, "codeZvw": str(soap["CodeZvw"]),
            "incomeRelatedContributionZvw": str(soap["IncomeRelatedContributionZvw"]).lower(),
            "influenceObligedInsurance": str(soap["InfluenceObligedInsurance"]).lower(),
            "wageCostBenefit": {"code": 0, "description": "Geen", "endPeriod": 0, "endYear": 0},
            "CAO": cao, "hirerCAO": cao, "period": _period_of_day(employee, job.start),
            "createdAt": ts(job.created)})
    return rows


def children(employee, ctx) -> list[dict]:
    """Return the children."""
    return [{"name": c["Name"], "firstName": c["FirstName"], "initials": c["Initials"],
             "gender": c["Gender"], "birthday": day(c["Birthday"])}
            for c in employee.children()["EmployeeChildren"]]


def _components(employee, ctx, kind: str) -> list[dict]:
    year, number_ = ctx.year_period
    rows = employee_components(employee.id, kind, {"Year": year, "Period": number_})
    created = ts(period_bounds(employee.plan.frequency, year, number_)[0])
    key = "fixedWageComponentId" if kind == "fixed" else "variableWageComponentId"
    extra = {"endYear": None, "endPeriod": None} if kind == "fixed" else {}
    return [{key: rest_id(f"{kind}component", f"{r['Id']}:{year}:{number_}"), "code": r["Code"],
             "value": number(r["Value"]), **extra, "comment": None, "costCenterId": None,
             "costUnitId": None, "createdAt": created} for r in rows]


def fixed_components(employee, ctx) -> list[dict]:
    """Return the employee's fixed wage components of the asked period (travel allowance)."""
    return _components(employee, ctx, "fixed") if _employed(employee, ctx) else []


def variable_components(employee, ctx) -> list[dict]:
    """Return the employee's variable wage components of the asked period (overtime)."""
    return _components(employee, ctx, "var") if _employed(employee, ctx) else []


def _employed(employee, ctx) -> bool:
    first, last = period_bounds(employee.plan.frequency, *ctx.year_period)
    return employee.timeline.employment_in(first, last) is not None
