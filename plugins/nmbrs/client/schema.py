"""The v3 operations and types this product uses, declared once; the WSDLs are generated from it.

Shapes follow `reference/nmbrs-api.md` §7 (v2.1 WSDL plus the v3 deltas seen in v3 client code).
Field notation: ``"Name:type"`` where a trailing ``?`` means optional (minOccurs 0, omitted when
empty), ``!`` means nillable (sent as ``xsi:nil`` when empty), ``[]`` means an ``ArrayOf<type>``.
"""

from __future__ import annotations

from dataclasses import dataclass

NS_ROOT = "https://api.nmbrs.nl/soap/v3/"
SERVICES = ("CompanyService", "EmployeeService", "DebtorService", "ReportService")

SIMPLE = {"int", "string", "decimal", "boolean", "dateTime", "guid"}

ENUMS: dict[str, tuple[str, ...]] = {
    "LoonaangifteTijdvak": ("None", "Month", "Week4", "Month6", "Year"),
    "Gender": ("undefined", "male", "female"),
    "AddressType": (
        "HomeAddress", "PostAddress", "AbsenceAddress", "HolidaysAddress", "WeekendAddress",
    ),
    "BankAccountType": (
        "None", "Bankrekening1", "Spaarloon", "Bankrekening2", "Bankrekening3", "Bankrekening4",
        "Bankrekening5", "Standaard", "Levensloop",
    ),
}

_PERSONAL_STRINGS = (
    "BSN Title FirstName Initials Prefix LastName Nickname"
).split()
_PERSONAL_TAIL_STRINGS = (
    "PlaceOfBirth CountryOfBirthISOCode IdentificationNumber"
).split()
_CONTACT_STRINGS = (
    "PartnerPrefix PartnerLastName TelephonePrivate TelephoneWork TelephoneMobilePrivate "
    "TelephoneMobileWork TelephoneOther EmailPrivate EmailWork BurgerlijkeStaat Naamstelling"
).split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

TYPES: dict[str, tuple[str, ...]] = {
    # CompanyService
    "Company": (
        "ID:int", "Number:int", "Name:string?", "PhoneNumber:string?", "FaxNumber:string?",
        "Email:string?", "Website:string?", "LoonaangifteTijdvak:LoonaangifteTijdvak",
        "KvkNr:string?",
    ),
    "RunInfo": (
        "ID:int", "Number:int", "Year:int", "PeriodStart:int", "PeriodEnd:int",
        "Description:string?", "RunAt:dateTime", "IsLocked:boolean",
    ),
    "WageComponent": ("Id:int", "Code:int", "Value:decimal"),
    # EmployeeService
    "Employee": ("Id:int", "Number:int", "DisplayName:string?"),
    "EmployeeType": ("Id:int", "Description:string?"),
    "Employment": (
        "EmploymentId:int", "CreationDate:dateTime!", "StartDate:dateTime!", "EndDate:dateTime!",
        "InitialStartDate:dateTime!",
    ),
    "EmployeeEmploymentItem": ("EmployeeId:int", "EmployeeEmployments:Employment[]?"),
    "SalaryTableEmployee": ("Code:int", "Description:string?"),
    "Salary_V2": (
        "ID:int", "Value:decimal", "Type:int", "SalaryTable:SalaryTableEmployee?",
        "StartDate:dateTime", "CreationDate:dateTime",
    ),
    "EmployeeSalaryItem": ("EmployeeId:int", "EmployeeSalaries:Salary_V2[]?"),
    "PersonalInfo": (
        "Id:int", "Number:int", "DisplayName:string?", "EmployeeNumber:int!",
        *(f"{name}:string?" for name in _PERSONAL_STRINGS),
        "Gender:Gender!", "NationalityCode:int!",
        *(f"{name}:string?" for name in _PERSONAL_TAIL_STRINGS),
        "IdentificationType:int",
        *(f"{name}:string?" for name in _CONTACT_STRINGS),
        "Birthday:dateTime!", "DeceasedDate:dateTime!",
        "InCaseOfEmergency:string?", "InCaseOfEmergencyPhone:string?",
        "InCaseOfEmergencyRelation:string?", "TitleAfter:string?", "CreationDate:dateTime!",
    ),
    "EmployeeAddress": (
        "Id:int", "Default:boolean", "Street:string?", "HouseNumber:string?",
        "HouseNumberAddition:string?", "PostalCode:string?", "City:string?",
        "StateProvince:string?", "CountryISOCode:string?", "Type:AddressType",
    ),
    "BankAccount": (
        "Id:int", "Number:string?", "Description:string?", "IBAN:string?", "BIC:string?",
        "City:string?", "Name:string?", "Type:BankAccountType",
    ),
    "Child": (
        "Id:int", "Name:string?", "FirstName:string?", "Initials:string?", "Gender:Gender",
        "Birthday:dateTime!",
    ),
    "EmployeeChildrenItem": ("EmployeeId:int", "EmployeeChildren:Child[]?"),
    "Partner": (
        "Id:int", "PartnerName:string?", "FirstName:string?", "Initials:string?",
        "Gender:Gender", "Birthday:dateTime!", "StartDate:dateTime!", "Telephone:string?",
        "Email:string?",
    ),
    "EmployeeContract": (
        "ContractID:int", "CreationDate:dateTime!", "StartDate:dateTime!",
        "TrialPeriod:dateTime!", "EndDate:dateTime!", "EmployementType:int",
        "EmploymentSequenceTaxId:int", "Indefinite:boolean!", "PhaseClassification:int",
        "WrittenContract:boolean", "HoursPerWeek:decimal",
    ),
    "EmployeeContractItem": ("EmployeeId:int", "EmployeeContracts:EmployeeContract[]?"),
    "Schedule": (
        *(f"Hours{day}:decimal" for day in _DAYS),
        *(f"Hours{day}2:decimal" for day in _DAYS),
        "ParttimePercentage:decimal", "StartDate:dateTime!",
    ),
    # The flat SVWSettings that v3 update code builds; answers may also come nested or in the
    # 2020 Dutch names (shapes_alt.py; evidence in docs/nmbrs-soap-shapes.md).
    "SVWSettings": (
        "Id:int", "InfluenceObligedInsurance:boolean", "WageCostBenefit:boolean",
        "CodeCao:int", "Wao_Wia:boolean", "Ww:boolean", "Zw:boolean",
        "IncomeRelatedContributionZvw:boolean", "CodeZvw:int", "RiskGroup:int", "Sector:int",
        "EmploymentType:int", "PhaseClassification:int", "EmploymentSequenceTaxId:int",
    ),
    # DebtorService
    "Debtor": ("Id:int", "Number:string?", "Name:string?"),
    "DebtorTag": ("Number:int", "HexColor:string?", "Tag:string?"),
    "Domain": ("Domain:string?", "SubDomain:string?"),
    # ReportService
    "BackgroundTaskResult": ("TaskId:guid", "Status:string?", "Content:string?"),
}


@dataclass(frozen=True)
class Operation:
    """One SOAP operation: its request fields and the type of its single result element."""

    service: str
    name: str
    params: tuple[str, ...]
    result: str  # a simple type, a TYPES name, or "X[]" for ArrayOfX
    result_element: str = ""  # defaults to "<name>Result"
    header: str = "AuthHeaderWithDomain"

    @property
    def result_name(self) -> str:
        """Return the name of the element that carries the result."""
        return self.result_element or f"{self.name}Result"

    @property
    def namespace(self) -> str:
        """Return the service namespace (the same on production and sandbox hosts)."""
        return NS_ROOT + self.service


def _ops(service: str, *specs: tuple) -> dict[str, Operation]:
    return {spec[0]: Operation(service, *spec) for spec in specs}


_EMP = ("EmployeeId:int",)
_PERIOD = ("Period:int", "Year:int")

OPERATIONS: dict[str, dict[str, Operation]] = {
    "CompanyService": _ops(
        "CompanyService",
        ("Company_GetCurrentPeriod", ("CompanyId:int",), "string"),
        ("Run_GetList", ("CompanyId:int", "Year:int"), "RunInfo[]"),
        ("List_GetAll", (), "Company[]"),
        ("List_GetByDebtor", ("DebtorId:int",), "Company[]"),
        ("WageComponentFixed_Get", ("CompanyId:int", *_PERIOD), "WageComponent[]"),
        ("WageComponentVar_Get", ("CompanyId:int", *_PERIOD), "WageComponent[]"),
        # Synchronous report calls: probably gone from v3 (nmbrs-api.md §7.1); kept as a fallback.
        ("Reports_GetWageCodesByRunCompany_v2", ("CompanyId:int", "RunId:int", "intYear:int"),
         "string"),
        ("Reports_GetWageCodesByRunCompany_FilterByWageCode",
         ("CompanyId:int", "RunId:int", "intYear:int", "WageCode:int"), "string"),
    ),
    "EmployeeService": _ops(
        "EmployeeService",
        ("List_GetByCompany", ("CompanyId:int", "EmployeeType:int"), "Employee[]"),
        ("EmployeeType_GetList", (), "EmployeeType[]"),
        ("Employment_GetAll_AllEmployeesByCompany", ("CompanyID:int",),
         "EmployeeEmploymentItem[]"),
        ("Salary_GetAll_AllEmployeesByCompany", ("CompanyID:int",), "EmployeeSalaryItem[]"),
        ("PersonalInfo_GetCurrent", _EMP, "PersonalInfo"),
        ("Address_GetListCurrent", _EMP, "EmployeeAddress[]"),
        ("BankAccount_GetList", (*_EMP, *_PERIOD), "BankAccount[]"),
        ("Children_Get", _EMP, "EmployeeChildrenItem"),
        ("Partner_Get", _EMP, "Partner"),
        # v3 quirk: the response child is <EmployeeContractItem>, not <..Result> (§7.2).
        ("Contract_GetCurrentPeriod", _EMP, "EmployeeContractItem", "EmployeeContractItem"),
        ("Schedule_GetCurrent", _EMP, "Schedule"),
        ("SVW_GetCurrent", _EMP, "SVWSettings"),
        ("WageComponentFixed_Get", (*_EMP, *_PERIOD), "WageComponent[]"),
        ("WageComponentVar_Get", (*_EMP, *_PERIOD), "WageComponent[]"),
    ),
    "DebtorService": _ops(
        "DebtorService",
        ("List_GetAll", (), "Debtor[]"),
        ("Tags_Get", ("DebtorId:int",), "DebtorTag[]"),
        ("Environment_Get", (), "Domain", "", "AuthHeader"),
    ),
    "ReportService": _ops(
        "ReportService",
        ("Reports_GetWageCodesByRunCompany_v2_Background",
         ("companyId:int", "runId:int", "year:int"), "guid"),
        ("Reports_GetWageCodesByRunCompany_FilterByWageCode_Background",
         ("companyId:int", "runId:int", "year:int", "wageCode:int"), "guid"),
        ("Reports_BackgroundTask_Result", ("TaskId:guid",), "BackgroundTaskResult"),
    ),
}


@dataclass(frozen=True)
class Field:
    """One element of a complex type, parsed from the compact notation."""

    name: str
    type: str
    optional: bool
    nillable: bool
    array: bool


def parse_field(spec: str) -> Field:
    """Parse ``"Name:type[]?!"`` into a :class:`Field`."""
    name, rest = spec.split(":", 1)
    optional, nillable = "?" in rest, "!" in rest
    rest = rest.replace("?", "").replace("!", "")
    array = rest.endswith("[]")
    return Field(name, rest.removesuffix("[]"), optional, nillable, array)


def fields_of(type_name: str) -> tuple[Field, ...]:
    """Return the parsed fields of a complex type, in element order."""
    return _FIELDS[type_name]


_FIELDS = {name: tuple(parse_field(spec) for spec in specs) for name, specs in TYPES.items()}


def operation(service: str, name: str) -> Operation:
    """Return one operation or raise KeyError naming it."""
    try:
        return OPERATIONS[service][name]
    except KeyError:
        raise KeyError(f"{service}.{name} is not an operation this product declares") from None
