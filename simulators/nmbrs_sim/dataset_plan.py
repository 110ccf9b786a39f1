"""Company plan: which employee plays which scripted role (mutations, re-hire, DGA, defects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .dataset_periods import period_bounds, period_of, rng_for, shift_period
from .world import CompanyConfig

# Defects of the "dirty" profile, each seeded into its own employee.
DEFECTS: tuple[str, ...] = (
    "invalid_bsn",
    "missing_birth_date",
    "negative_salary",
    "employment_end_before_start",
    "duplicate_personnel_id",
    "dga_not_flagged",
    "bad_postcode",
)
WINDOW = 3  # scripted mutations happen in each of the 3 periods before the clock's period
MUTATIONS_SEPARATE = ("hire", "exit", "salary", "parttime")
MUTATIONS_MERGED = ("hire", "exit", "change")  # small companies: salary + part-time together


def employee_id_of(company_id: int, n: int) -> int:
    """Return the global employee id of the n-th employee of a company."""
    return company_id * 10_000 + n


def split_employee_id(employee_id: int) -> tuple[int, int]:
    """Return (company_id, n) encoded in an employee id."""
    return divmod(employee_id, 10_000)


@dataclass
class CompanyPlan:
    """Everything a company's employees are generated from, fixed once per company."""

    cfg: CompanyConfig
    seed: int
    clock: date
    roles: dict[int, str] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)  # defect -> n
    number_overrides: dict[int, int] = field(default_factory=dict)  # n -> personnel number

    @property
    def frequency(self) -> str:
        """Return the payroll frequency."""
        return self.cfg.frequency

    @property
    def current(self) -> tuple[int, int]:
        """Return the (year, period) containing the world clock."""
        return period_of(self.frequency, self.clock)

    @property
    def window(self) -> list[tuple[int, int]]:
        """Return the periods before the current one that carry scripted mutations."""
        year, period = self.current
        return [shift_period(self.frequency, year, period, k - WINDOW) for k in range(WINDOW)]

    def window_bounds(self, k: int) -> tuple[date, date]:
        """Return the first and last day of window period k (0 = oldest)."""
        return period_bounds(self.frequency, *self.window[k])

    @property
    def history_start(self) -> date:
        """Return the first day of the company's payroll history."""
        configured = date(self.cfg.first_year, 1, 1)
        window_start = self.window_bounds(0)[0]
        if (window_start - configured).days >= 365:
            return configured
        # A clock close to the first year still needs a year of history before the window.
        return date(window_start.year - 1, 1, 1)

    def role(self, n: int) -> str:
        """Return the scripted role of employee n ("" for an ordinary employee)."""
        return self.roles.get(n, "")

    def defect_of(self, n: int) -> str | None:
        """Return the defect seeded into employee n, if any."""
        return next((name for name, m in self.defects.items() if m == n), None)


def _wanted_roles(cfg: CompanyConfig, room: int) -> list[str]:
    defects = [d for d in DEFECTS if d != "dga_not_flagged"] if cfg.profile == "dirty" else []
    fixed = [f"defect:{d}" for d in defects]
    rehire = ["rehire"] if cfg.employee_count >= 10 else []
    kinds = MUTATIONS_SEPARATE
    if room < len(fixed) + len(rehire) + WINDOW * len(MUTATIONS_SEPARATE) + 2:
        kinds = MUTATIONS_MERGED
    mutations = [f"{kind}:{k}" for k in range(WINDOW) for kind in kinds]
    # Defects come first: a tiny dirty company keeps its defects and loses mutations instead.
    return (fixed + mutations + rehire)[:room]


def make_plan(cfg: CompanyConfig, seed: int, clock: date) -> CompanyPlan:
    """Assign the scripted roles of a company to employees, deterministically."""
    plan = CompanyPlan(cfg=cfg, seed=seed, clock=clock)
    dga = cfg.dga_employee_number
    pool = [n for n in range(1, cfg.employee_count + 1) if n != dga]
    wanted = _wanted_roles(cfg, len(pool))
    chosen = rng_for(seed, cfg.id, "plan").sample(pool, len(wanted))
    plan.roles = dict(zip(chosen, wanted, strict=True))
    if dga is not None:
        plan.roles[dga] = "dga"
    seeded = {role[len("defect:"):]: n for n, role in plan.roles.items() if "defect:" in role}
    if cfg.profile == "dirty" and dga is not None:
        seeded["dga_not_flagged"] = dga
    plan.defects = {name: seeded[name] for name in DEFECTS if name in seeded}
    _duplicate_number(plan)
    return plan


def _duplicate_number(plan: CompanyPlan) -> None:
    """Give the duplicate_personnel_id employee the number of a colleague who stays employed."""
    n = plan.defects.get("duplicate_personnel_id")
    if n is None:
        return
    kinds = ("salary", "parttime", "change")
    stayers = sorted(m for m, role in plan.roles.items() if role.split(":")[0] in kinds)
    others = [m for m in stayers if m != n] or [m for m in range(1, n) if m not in plan.roles]
    if others:
        plan.number_overrides[n] = others[0]
