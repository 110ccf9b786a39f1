"""Configuration of the simulated Nmbrs world: domains, debtors, companies, API users."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

ASR_TAG = "a.s.r. salariskoppeling"

# The calls a.s.r.'s registration guide asks the API user template to allow (DESIGN.md §1).
GRANTED_CALLS: tuple[str, ...] = (
    "Company_GetCurrentPeriod",
    "Reports_GetWageCodesByRunCompany_v2",
    "WageComponentFixed_Get",
    "WageComponentVar_Get",
    "Reports_GetWageCodesByRunCompany_FilterByWageCode",
    "Address_GetListCurrent",
    "BankAccount_GetList",
    "Children_Get",
    "Contract_GetCurrentPeriod",
    "Employment_GetAll_AllEmployeesByCompany",
    "List_GetByCompany",
    "Partner_Get",
    "PersonalInfo_GetCurrent",
    "Salary_GetAll_AllEmployeesByCompany",
    "Schedule_GetCurrent",
    "SVW_GetCurrent",
)

# Every operation the simulator serves, per service; List_GetAll lives on two services.
OPERATIONS_BY_SERVICE: dict[str, tuple[str, ...]] = {
    "CompanyService": GRANTED_CALLS[:5] + ("Run_GetList", "List_GetAll", "List_GetByDebtor"),
    "EmployeeService": GRANTED_CALLS[5:] + ("EmployeeType_GetList",),
    "DebtorService": ("List_GetAll", "Tags_Get", "Environment_Get"),
    "ReportService": (
        "Reports_GetWageCodesByRunCompany_v2_Background",
        "Reports_GetWageCodesByRunCompany_FilterByWageCode_Background",
        "Reports_BackgroundTask_Result",
    ),
}
ALL_OPERATIONS: tuple[str, ...] = tuple(
    dict.fromkeys(op for ops in OPERATIONS_BY_SERVICE.values() for op in ops)
)

# Employee ids are company_id * 10_000 + n and record ids go up to employee_id * 100 + 99;
# both must stay inside xs:int.
MAX_COMPANY_ID = 2147
MAX_EMPLOYEES = 9999


class CompanyConfig(BaseModel):
    """One employer (Nmbrs company) and the knobs its generated data follows."""

    id: int = Field(ge=1, le=MAX_COMPANY_ID)
    number: int
    name: str
    frequency: Literal["monthly", "four_weekly"] = "monthly"
    kvk: str = Field(pattern=r"^[0-9]{8}$")
    employee_count: int = Field(ge=1, le=MAX_EMPLOYEES)
    fulltime_hours: Decimal = Decimal("40")
    dga_employee_number: int | None = None
    profile: Literal["clean", "dirty"] = "clean"
    first_year: int = 2019
    sector: int = 1
    cao_code: int = 9999
    phone: str | None = None
    email: str | None = None
    website: str | None = None

    @model_validator(mode="after")
    def _dga_is_an_employee(self) -> CompanyConfig:
        if self.dga_employee_number is not None and not (
            1 <= self.dga_employee_number <= self.employee_count
        ):
            raise ValueError(f"company {self.id}: dga_employee_number outside 1..employee_count")
        return self


class DebtorConfig(BaseModel):
    """A debtor (the payroll processor's client) and its companies."""

    id: int
    number: str
    name: str
    tags: list[str] = []
    companies: list[CompanyConfig] = []


class EnvironmentConfig(BaseModel):
    """An Nmbrs environment, addressed by its domain."""

    domain: str
    name: str
    debtors: list[DebtorConfig] = []


class AccountConfig(BaseModel):
    """An API user: per-debtor (fixed debtors) or umbrella (debtors carrying a tag)."""

    username: str
    token: str
    domain: str
    mode: Literal["per_debtor", "umbrella"] = "per_debtor"
    debtor_ids: list[int] = []
    required_tag: str | None = None
    grants: Literal["all"] | list[str] = "all"

    @field_validator("grants")
    @classmethod
    def _known_operations(cls, grants: str | list[str]) -> str | list[str]:
        unknown = [] if grants == "all" else sorted(set(grants) - set(ALL_OPERATIONS))
        if unknown:
            raise ValueError(f"unknown operations in grants: {unknown}")
        return grants

    def may_call(self, operation: str) -> bool:
        """Tell whether this user's template allows an operation."""
        return self.grants == "all" or operation in self.grants


def _company(cid: int, number: int, name: str, **kwargs) -> CompanyConfig:
    slug = "".join(ch for ch in name.lower().split(" b.v.")[0] if ch.isalnum())[:24]
    kwargs.setdefault("website", f"www.{slug}.nl")
    kwargs.setdefault("email", f"salaris@{slug}.nl")
    return CompanyConfig(id=cid, number=number, name=name, **kwargs)


def _noord_debtors() -> list[DebtorConfig]:
    """Debtors of Salarisbureau Noord: tagged and untagged, clean and dirty, small and huge."""
    return [
        DebtorConfig(id=1001, number="SN-1001", name="Van den Berg Groep", tags=[ASR_TAG],
                     companies=[
            _company(2001, 1, "Bakkerij Van den Berg B.V.", kvk="01234567", employee_count=25,
                     fulltime_hours=Decimal("38"), dga_employee_number=1, sector=11,
                     cao_code=210, phone="050-3126540"),
            _company(2002, 2, "Van den Berg Banket B.V.", frequency="four_weekly", kvk="01234575",
                     employee_count=15, fulltime_hours=Decimal("38"), first_year=2020, sector=11,
                     cao_code=210),
        ]),
        DebtorConfig(id=1002, number="SN-1002", name="Hollander Installatietechniek",
                     tags=["Bouw en installatie"], companies=[
            _company(2003, 1, "Hollander Installatietechniek B.V.", kvk="02345678",
                     employee_count=40, sector=12, cao_code=1047),
        ]),
        DebtorConfig(id=1003, number="SN-1003", name="De Gouden Leeuw Horeca", tags=[ASR_TAG],
                     companies=[
            _company(2004, 1, "Café De Gouden Leeuw B.V.", frequency="four_weekly",
                     kvk="03456789", employee_count=12, fulltime_hours=Decimal("38"),
                     dga_employee_number=3, first_year=2021, sector=33, cao_code=314),
        ]),
        DebtorConfig(id=1004, number="SN-1004", name="Hoekstra Transport", tags=[ASR_TAG],
                     companies=[
            _company(2005, 1, "Transportbedrijf Hoekstra B.V.", kvk="04567890",
                     employee_count=24, dga_employee_number=2, profile="dirty", sector=55,
                     cao_code=1050),
        ]),
        _benchmark_debtor(),
    ]


def _benchmark_debtor() -> DebtorConfig:
    """The large employer for benchmarks: its companies cost nothing until they are used."""
    return DebtorConfig(id=1005, number="SN-1005", name="Noorderzorg Groep", tags=[ASR_TAG],
                        companies=[
        _company(2006, 1, "Noorderzorg Thuiszorg B.V.", kvk="05678901", employee_count=1000,
                 fulltime_hours=Decimal("36"), first_year=2022, sector=40, cao_code=626),
        _company(2007, 2, "Noorderzorg Verpleeghuizen B.V.", kvk="05678928",
                 employee_count=5000, fulltime_hours=Decimal("36"), first_year=2022,
                 sector=40, cao_code=626),
    ])


def default_environments() -> list[EnvironmentConfig]:
    """Build the default domains, debtors and companies."""
    zuid = DebtorConfig(id=1101, number="PZ-1101", name="Van Gils Bouw", tags=[ASR_TAG],
                        companies=[
        _company(2101, 1, "Bouwbedrijf Van Gils B.V.", kvk="17654321", employee_count=11,
                 first_year=2023, sector=3, cao_code=12),
    ])
    return [
        EnvironmentConfig(domain="salarisnoord", name="Salarisbureau Noord",
                          debtors=_noord_debtors()),
        EnvironmentConfig(domain="payrollzuid", name="Payroll Zuid", debtors=[zuid]),
    ]


def default_accounts() -> list[AccountConfig]:
    """Build the default API users (tokens are obviously fake)."""
    without_svw = [op for op in ALL_OPERATIONS if op != "SVW_GetCurrent"]

    def user(name: str, token: str, debtor: int, domain: str = "salarisnoord", **kw):
        return AccountConfig(username=name, token=token, domain=domain, debtor_ids=[debtor], **kw)

    return [
        user("koppeling@bakkerijvandenberg.nl", "sim-token-bakkerij-0001", 1001),
        user("koppeling@degoudenleeuw.nl", "sim-token-goudenleeuw-0003", 1003),
        user("koppeling@hoekstratransport.nl", "sim-token-hoekstra-0004", 1004),
        user("koppeling@noorderzorg.nl", "sim-token-noorderzorg-0005", 1005),
        user("koppeling@bouwbedrijfvangils.nl", "sim-token-vangils-1101", 1101,
             domain="payrollzuid"),
        user("beperkt@bakkerijvandenberg.nl", "sim-token-bakkerij-nosvw-0002", 1001,
             grants=without_svw),
        AccountConfig(username="asr-koppeling@salarisbureaunoord.nl",
                      token="sim-token-umbrella-noord-0000", domain="salarisnoord",
                      mode="umbrella", required_tag=ASR_TAG),
    ]


class WorldConfig(BaseModel):
    """The whole simulated world; every field can be overridden."""

    seed: int = 20261124
    clock: date = date(2026, 11, 24)
    environments: list[EnvironmentConfig] = Field(default_factory=default_environments)
    accounts: list[AccountConfig] = Field(default_factory=default_accounts)

    @model_validator(mode="after")
    def _unique_ids(self) -> WorldConfig:
        debtors = [d.id for e in self.environments for d in e.debtors]
        companies = [c.id for e in self.environments for d in e.debtors for c in d.companies]
        for kind, ids in (("debtor", debtors), ("company", companies)):
            if len(ids) != len(set(ids)):
                raise ValueError(f"duplicate {kind} ids in the world config")
        return self

    def account(self, username: str) -> AccountConfig | None:
        """Return the API user with this username, if any."""
        return next((a for a in self.accounts if a.username == username), None)


def __getattr__(name: str):
    """Let `from simulators.nmbrs_sim.world import World` work (World lives in dataset.py)."""
    if name == "World":  # imported lazily: dataset.py imports this module
        from .dataset import World

        return World
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
