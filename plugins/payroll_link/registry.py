"""Employer registry: the validated list of employers in ``config/employers.yaml``.

The registry file is the single source for which payroll DAGs exist. Pure code (pydantic + yaml,
no Airflow): a DAG file loads it at parse time without touching the network or a database.
One malformed entry disables that employer only; ``load_registry`` reports it as a
``RegistryEntryError`` (entry index, employer id, fields, reason) and loads the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from payroll_link.atomic import write_atomically
from payroll_link.periods import PeriodError, period_containing

EMPLOYER_ID_PATTERN = r"^[a-z0-9][a-z0-9_]{1,40}$"
CONN_ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}$"
DEFAULT_DELIVERY_DEADLINE_DAYS = 10  # days after a period's end until a missing delivery alerts
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"  # lower case
DAG_STATUSES = ("realised", "paused")  # statuses that get a DAG; paused ones are created paused
_HEADER = (
    "# Employer registry: the single source for which payroll DAGs exist (one per realised or\n"
    "# paused employer). Validated by plugins/payroll_link/registry.py; see the README.\n"
)


class RegistryError(Exception):
    """The registry file as a whole is unusable (unreadable, not YAML, no ``employers:`` list)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"employer registry {path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class RegistryEntryError:
    """One registry entry that was rejected: which entry, which field(s), and why."""

    path: Path
    index: int
    employer_id: str | None
    fields: tuple[str, ...]
    reason: str

    def __str__(self) -> str:
        who = f"entry {self.index}"
        if self.employer_id:
            who += f" (employer_id {self.employer_id!r})"
        return f"{self.path} {who}: {self.reason}"


class Dga(BaseModel):
    """The director-major shareholder (DGA) on the payroll."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    employee_number: int = Field(ge=1)


class Employer(BaseModel):
    """One employer (werkgever) whose Nmbrs payroll data a.s.r. exchanges."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    employer_id: str = Field(pattern=EMPLOYER_ID_PATTERN)
    asr_reference: str = Field(min_length=1)
    company_name: str = Field(min_length=1)  # literally as spelled in Nmbrs; never normalised
    nmbrs_company_id: int = Field(ge=1)
    nmbrs_debtor_id: int = Field(ge=1)
    account_mode: Literal["per_debtor", "umbrella"]
    nmbrs_conn_id: str = Field(pattern=CONN_ID_PATTERN)
    domain: str = Field(min_length=1)
    frequency: Literal["monthly", "four_weekly"]
    dga: Dga | None = None
    product: Literal["pension", "income_insurance"]
    status: Literal["registered", "realised", "paused", "offboarded"]
    first_exchange_date: dt.date | None = None
    backfill_start: dt.date | None = None
    delivery_conn_id: str = Field(default="asr_delivery", pattern=CONN_ID_PATTERN)
    # Periods before first_exchange_date go to a.s.r. marked as history (default: kept only).
    deliver_history: bool = False
    # The company's full-time week (part-time factor, quality gate and stands); None = 40 h.
    full_time_hours_per_week: float | None = Field(default=None, gt=0, le=60)
    # Days after a period's end by which a.s.r. must have it; None = DEFAULT_DELIVERY_DEADLINE_DAYS.
    delivery_deadline_days: int | None = Field(default=None, ge=0, le=120)
    notes: str | None = None
    # Which Nmbrs API the pipeline reads: the SOAP v3 API (ids above) or the REST API (UUIDs
    # below, OAuth consent in the `nmbrs_rest` connection rest_conn_id).
    source: Literal["soap", "rest"] = "soap"
    rest_company_id: str | None = Field(default=None, pattern=UUID_PATTERN)
    rest_debtor_id: str | None = Field(default=None, pattern=UUID_PATTERN)
    rest_conn_id: str | None = Field(default=None, pattern=CONN_ID_PATTERN)

    @model_validator(mode="after")
    def _check_rest(self) -> Employer:
        """A REST employer needs its REST company id and connection (and debtor when umbrella)."""
        if self.source != "rest":
            return self
        umbrella = ("rest_debtor_id",) if self.account_mode == "umbrella" else ()
        for name in ("rest_company_id", "rest_conn_id", *umbrella):
            if getattr(self, name) is None:
                raise ValueError(f"{name} is required when source is 'rest' "
                                 f"(account_mode {self.account_mode})")
        return self

    @model_validator(mode="after")
    def _check_dates(self) -> Employer:
        """Require the exchange dates a status needs and keep them on period starts."""
        if self.status in DAG_STATUSES and self.first_exchange_date is None:
            raise ValueError(f"first_exchange_date is required when status is {self.status!r}")
        if self.backfill_start is not None:
            if self.first_exchange_date is None:
                raise ValueError("backfill_start needs a first_exchange_date")
            if self.backfill_start > self.first_exchange_date:
                raise ValueError(
                    f"backfill_start {self.backfill_start} is after "
                    f"first_exchange_date {self.first_exchange_date}"
                )
        for name in ("first_exchange_date", "backfill_start"):
            _check_period_start(name, getattr(self, name), self.frequency)
        return self

    @property
    def has_dag(self) -> bool:
        """Return whether this employer gets a DAG (realised or paused)."""
        return self.status in DAG_STATUSES

    @property
    def catchup_start(self) -> dt.date | None:
        """Return the first period start the DAG runs for: backfill start, else first exchange."""
        return self.backfill_start or self.first_exchange_date


@dataclass
class RegistryResult:
    """What ``load_registry`` found: the valid employers and one error per rejected entry."""

    path: Path
    employers: list[Employer] = field(default_factory=list)
    errors: list[RegistryEntryError] = field(default_factory=list)

    def by_id(self, employer_id: str) -> Employer:
        """Return the valid employer ``employer_id``; KeyError names it if absent or rejected."""
        for employer in self.employers:
            if employer.employer_id == employer_id:
                return employer
        raise KeyError(f"employer {employer_id!r} is not a valid entry of {self.path}")

    @property
    def dag_employers(self) -> list[Employer]:
        """Return the valid employers that get a DAG."""
        return [employer for employer in self.employers if employer.has_dag]


def dag_id_for(employer: Employer) -> str:
    """Return the DAG id of an employer: ``payroll_<employer_id>``."""
    return dag_id_of(employer.employer_id)


def dag_id_of(employer_id: str) -> str:
    """Return the DAG id of an employer id (the one naming rule)."""
    return f"payroll_{employer_id}"


def load_registry(path: Path | str) -> RegistryResult:
    """Load and validate the registry; bad entries become errors, the others still load."""
    path = Path(path)
    result = RegistryResult(path=path)
    keys = _UniqueKeys(path)
    for index, raw in enumerate(_read_entries(path)):
        employer, error = _validate_entry(path, index, raw)
        if error is None:
            error = keys.claim(index, employer)
        if error is not None:
            result.errors.append(error)
        else:
            result.employers.append(employer)
    return result


def save_registry(path: Path | str, employers: Iterable[Employer]) -> None:
    """Write the registry atomically (temp file + os.replace) in a stable field order."""
    path = Path(path)
    employers = list(employers)
    keys = _UniqueKeys(path)
    for index, employer in enumerate(employers):
        if (error := keys.claim(index, employer)) is not None:
            raise RegistryError(path, f"refusing to save: {error}")
    entries = [entry_fields(employer) for employer in employers]
    text = _HEADER + yaml.safe_dump(
        {"employers": entries}, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    write_atomically(path, text)


def entry_fields(employer: Employer) -> dict[str, Any]:
    """Return the employer as a plain dict in model field order; ``dga: null`` stays explicit,
    ``source`` is written only when it is not the default (soap)."""
    entry = employer.model_dump(mode="python")
    return {key: value for key, value in entry.items()
            if (value is not None or key == "dga") and not (key == "deliver_history" and not value)
            and (key, value) != ("source", "soap")}


def _read_entries(path: Path) -> list[Any]:
    """Return the raw ``employers:`` list of the file, or raise RegistryError naming the file."""
    try:
        # libyaml's loader: the pure-Python one costs ~1 ms per entry at DAG parse time.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    except OSError as err:
        raise RegistryError(path, f"cannot read file ({err.strerror or err})") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RegistryError(path, f"not valid YAML{where}") from err
    if not isinstance(document, dict) or "employers" not in document:
        raise RegistryError(path, "expected a mapping with an 'employers:' list at the top")
    entries = document["employers"]
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise RegistryError(path, f"'employers' must be a list, got {type(entries).__name__}")
    return entries


def _validate_entry(
    path: Path, index: int, raw: Any
) -> tuple[Employer | None, RegistryEntryError | None]:
    """Validate one raw entry; return the employer or an error naming entry and fields."""
    if not isinstance(raw, dict):
        reason = f"entry must be a mapping of fields, got {type(raw).__name__}"
        return None, RegistryEntryError(path, index, None, (), reason)
    raw_id = raw.get("employer_id")
    employer_id = raw_id if isinstance(raw_id, str) and raw_id else None
    try:
        return Employer.model_validate(raw), None
    except ValidationError as err:
        fields, reason = _describe(err)
        return None, RegistryEntryError(path, index, employer_id, fields, reason)


def _describe(err: ValidationError) -> tuple[tuple[str, ...], str]:
    """Turn pydantic's errors into (fields, one-line reason); never echo secret-like input."""
    fields: list[str] = []
    reasons: list[str] = []
    for detail in err.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        if not name:  # model-level check: its message leads with the field it is about
            name, message = _split_leading_field(message)
        if name and name not in fields:
            fields.append(name)
        reasons.append(f"{name}: {message}" if name else message)
    return tuple(fields), "; ".join(reasons)


def _split_leading_field(message: str) -> tuple[str, str]:
    """Split 'backfill_start 2026-11-02 is after …' into the field name and the rest."""
    first_word, _, rest = message.partition(" ")
    if first_word in Employer.model_fields:
        return first_word, rest
    return "", message


class _UniqueKeys:
    """Remember which entry first used each employer id and Nmbrs company id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.employer_ids: dict[str, int] = {}
        self.company_ids: dict[int, int] = {}
        self.rest_company_ids: dict[str, int] = {}

    def claim(self, index: int, employer: Employer) -> RegistryEntryError | None:
        """Record the entry's keys, or return an error naming the earlier entry that has one."""
        keys = (("employer_id", employer.employer_id, self.employer_ids),
                ("nmbrs_company_id", employer.nmbrs_company_id, self.company_ids),
                ("rest_company_id", employer.rest_company_id, self.rest_company_ids))
        for name, key, seen in keys:
            if key is not None and key in seen:
                reason = f"{name} {key!r} is already used by entry {seen[key]}"
                return RegistryEntryError(self.path, index, employer.employer_id, (name,), reason)
        for _name, key, seen in keys:
            if key is not None:
                seen[key] = index
        return None


def _check_period_start(name: str, day: dt.date | None, frequency: str) -> None:
    """Raise ValueError unless ``day`` is the first day of a ``frequency`` payroll period."""
    if day is None:
        return
    try:
        period = period_containing(frequency, day)
    except PeriodError as err:
        raise ValueError(f"{name} {day}: {err}") from err
    if period.start != day:
        raise ValueError(
            f"{name} {day} is not the first day of a {frequency} payroll period "
            f"(it falls in {period.label}, which starts {period.start})"
        )
