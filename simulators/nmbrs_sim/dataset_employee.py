"""EmployeeData: one employee's Nmbrs v3 EmployeeService results, built lazily and cached."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from . import dataset_identity as ident
from .dataset_periods import at_midnight, money, period_bounds, period_of, rng_for
from .dataset_plan import CompanyPlan, employee_id_of
from .dataset_roles import build_timeline
from .dataset_schedule import contract_rows, schedule_row
from .dataset_timeline import Employment, value_at

EMPLOYEE_INSURED = 15  # SrtIV 15: ordinary wage, insured for the employee insurances
DGA_NOT_INSURED = 17  # SrtIV 17: DGA, not insured (pension-handoff.md §3.5)


class EmployeeData:
    """One employee of a company; every accessor returns dicts keyed by Nmbrs v3 names."""

    def __init__(self, plan: CompanyPlan, n: int) -> None:
        self.plan = plan
        self.n = n
        self.company_id = plan.cfg.id
        self.id = employee_id_of(self.company_id, n)
        self.number = plan.number_overrides.get(n, n)
        self.role = plan.role(n)
        self.defect = plan.defect_of(n)
        self.timeline = build_timeline(plan, n, self.id)

    @property
    def is_dga(self) -> bool:
        """Tell whether this employee is the company's declared DGA."""
        return self.role == "dga"

    @property
    def dga_flagged(self) -> bool:
        """Tell whether the SVW settings carry the DGA indication (not insured)."""
        return self.is_dga and self.defect != "dga_not_flagged"

    @cached_property
    def person(self) -> ident.dutch.Person:
        """Return the generated name and gender."""
        return ident.make_person(self.plan, self.id)

    @cached_property
    def _birth(self) -> date:
        return ident.make_birthday(self.plan, self.id, self.timeline.first_start, self.is_dga)

    @property
    def birthday(self) -> date | None:
        """Return the birth date as Nmbrs holds it (None for the missing_birth_date defect)."""
        return None if self.defect == "missing_birth_date" else self._birth

    @cached_property
    def bsn(self) -> str:
        """Return the BSN (invalid for the invalid_bsn defect)."""
        return ident.make_bsn(self.plan, self.id, self.defect == "invalid_bsn")

    @cached_property
    def _partner(self) -> ident.FamilyMember | None:
        return ident.make_partner(self.plan, self.id, self.person, self._birth)

    @cached_property
    def _address_history(self) -> list[tuple[date, dict]]:
        bad = self.defect == "bad_postcode"
        return ident.make_addresses(self.plan, self.id, self.timeline.first_start, bad)

    def personal_info(self, clock: date) -> dict:
        """Return PersonalInfo_GetCurrent (§7.2 order)."""
        person, partner = self.person, self._partner
        details = ident.make_details(self.plan, self.id, person)
        civil, naming = self._civil_state()
        country = self._address_history[0][1]["CountryISOCode"]
        return {
            "Id": self.id, "Number": self.number, "DisplayName": person.display_name,
            "EmployeeNumber": self.number, "BSN": self.bsn, "Title": details["Title"],
            "FirstName": person.first_name, "Initials": person.initials, "Prefix": person.prefix,
            "LastName": person.last_name, "Nickname": None, "Gender": person.gender,
            "NationalityCode": ident.NATIONALITY.get(country, 1),
            "PlaceOfBirth": details["PlaceOfBirth"],
            "CountryOfBirthISOCode": person.country_of_birth,
            "IdentificationNumber": details["IdentificationNumber"],
            "IdentificationType": details["IdentificationType"],
            "PartnerPrefix": partner.person.prefix if partner else None,
            "PartnerLastName": partner.person.last_name if partner else None,
            "TelephonePrivate": details["TelephonePrivate"], "TelephoneWork": None,
            "TelephoneMobilePrivate": details["TelephoneMobilePrivate"],
            "TelephoneMobileWork": None, "TelephoneOther": None,
            "EmailPrivate": details["EmailPrivate"], "EmailWork": details["EmailWork"],
            "BurgerlijkeStaat": civil, "Naamstelling": naming,
            "Birthday": at_midnight(self.birthday), "DeceasedDate": None,
            "InCaseOfEmergency": partner.person.display_name if partner else None,
            "InCaseOfEmergencyPhone": partner.phone if partner else None,
            "InCaseOfEmergencyRelation": "Partner" if partner else None,
            "TitleAfter": details["TitleAfter"],
            "CreationDate": self.timeline.employments[0].created,
        }

    def _civil_state(self) -> tuple[str, str]:
        # Naamstelling uses the BRP naamgebruik codes: E own name, V partner's name before own.
        rng = rng_for(self.plan.seed, self.id, "civil")
        if self._partner is None:
            return rng.choices(("Ongehuwd", "Gescheiden"), weights=(85, 15))[0], "E"
        civil = rng.choices(ident.CIVIL_WITH_PARTNER, weights=(60, 30, 10))[0]
        takes_name = civil != "Samenwonend" and self.person.gender == "female"
        return civil, "V" if takes_name and rng.random() < 0.3 else "E"

    def addresses(self, clock: date) -> list[dict]:
        """Return Address_GetListCurrent: the home address in force at `clock`."""
        history = self._address_history
        index = max([i for i, (start, _) in enumerate(history) if start <= clock] or [0])
        address = history[index][1]
        return [{"Id": self.id * 10 + index + 1, "Default": True, **address,
                 "Type": "HomeAddress"}]

    def bank_accounts(self, period: int, year: int) -> list[dict]:
        """Return BankAccount_GetList: the salary account, once the employee has been hired."""
        if self.timeline.first_start > period_bounds(self.plan.frequency, year, period)[1]:
            return []
        iban, bic = ident.make_bank(self.plan, self.id)
        return [{
            "Id": self.id * 10 + 1, "Number": iban[8:].lstrip("0"), "Description": "Salaris",
            "IBAN": iban, "BIC": bic, "City": None,
            "Name": f"{self.person.initials} {self.person.surname}", "Type": "Standaard",
        }]

    def children(self) -> dict:
        """Return Children_Get: an EmployeeChildrenItem (its list may be empty)."""
        kids = ident.make_children(self.plan, self.id, self.person, self._birth)
        return {"EmployeeId": self.id, "EmployeeChildren": [
            {"Id": self.id * 10 + i, "Name": kid.person.surname, "FirstName": kid.person.first_name,
             "Initials": kid.person.initials, "Gender": kid.person.gender,
             "Birthday": at_midnight(kid.birthday)}
            for i, kid in enumerate(kids, start=1)
        ]}

    def partner(self) -> dict | None:
        """Return Partner_Get, or None when the employee has no partner."""
        partner = self._partner
        if partner is None:
            return None
        return {
            "Id": self.id, "PartnerName": partner.person.surname,
            "FirstName": partner.person.first_name, "Initials": partner.person.initials,
            "Gender": partner.person.gender, "Birthday": at_midnight(partner.birthday),
            "StartDate": at_midnight(partner.start), "Telephone": partner.phone,
            "Email": partner.email,
        }

    def contracts(self) -> list[dict]:
        """Return every EmployeeContract of the employee (one per part-time segment)."""
        return contract_rows(self)

    def contract_current_period(self, clock: date) -> dict:
        """Return Contract_GetCurrentPeriod: the contracts touching the period of `clock`."""
        first, last = self._current_bounds(clock)
        active = [c for c in self.contracts() if c["StartDate"].date() <= last
                  and (c["EndDate"] is None or c["EndDate"].date() >= first)]
        return {"EmployeeId": self.id, "EmployeeContracts": active}

    def _current_bounds(self, clock: date) -> tuple[date, date]:
        return period_bounds(self.plan.frequency, *period_of(self.plan.frequency, clock))

    def schedule_current(self, clock: date) -> dict:
        """Return Schedule_GetCurrent: the weekly hours in force at `clock`."""
        return schedule_row(self, value_at(self.timeline.parttime, clock))

    def svw_current(self, clock: date) -> dict:
        """Return SVW_GetCurrent as the flat v3 SVWSettings (§7.2, shape uncertain)."""
        flagged = self.dga_flagged
        employment = self.employment_at(clock)
        return {
            "Id": self.id, "InfluenceObligedInsurance": flagged, "WageCostBenefit": False,
            "CodeCao": self.plan.cfg.cao_code, "Wao_Wia": not flagged, "Ww": not flagged,
            "Zw": not flagged, "IncomeRelatedContributionZvw": True, "CodeZvw": 1,
            "RiskGroup": 1, "Sector": self.plan.cfg.sector,
            "EmploymentType": DGA_NOT_INSURED if flagged else EMPLOYEE_INSURED,
            "PhaseClassification": 0, "EmploymentSequenceTaxId": employment.sequence,
        }

    def employment_at(self, day: date) -> Employment:
        """Return the latest valid employment started on or before a day (else the first)."""
        valid = [e for e in self.timeline.employments if e.valid]
        started = [e for e in valid if e.start <= day]
        return started[-1] if started else valid[0]

    def hours_per_week(self, factor: Decimal) -> Decimal:
        """Return the contract hours per week for a part-time factor."""
        return money(self.plan.cfg.fulltime_hours * factor)

    def recently_hired(self, start: date) -> bool:
        """Tell whether an employment started within a year before the world clock."""
        return start > self.plan.clock - timedelta(days=365)
