"""The alternative answer shapes we have evidence for, as data (see docs/nmbrs-soap-shapes.md).

Per v3 type: ``ALIASES`` maps an element path of another shape to ``(v3 field, wire type, how)``
(``how``: ``same`` keeps the value, ``nonzero`` turns a code into "set or not"); ``EXTRAS`` are
paths that shape carries and we knowingly do not read (not drift). ``ALT_RESULTS`` are result
elements accepted after the standard ``<OpResult>``.
"""

from __future__ import annotations

ALT_RESULTS: dict[str, tuple[str, ...]] = {
    # Two v3 clients read <EmployeeContractItem> straight under the response element.
    "Contract_GetCurrentPeriod": ("EmployeeContractItem",),
}

# SVW_GetCurrent, nested v3 shape (data classes of a v3-built SDK) and the v2.1/2020 shape.
_SVW_NESTED = {
    "InfluenceObligedInsuranced": ("InfluenceObligedInsurance", "boolean", "same"),
    "CAO/CAOCode": ("CodeCao", "int", "same"),
    "RiskGroup/RiskGroupCode": ("RiskGroup", "int", "same"),
    "Sector/SectorCode": ("Sector", "int", "same"),
    "WageCostBenefit/WageCostBenefitCode": ("WageCostBenefit", "int", "nonzero"),
}
_SVW_2020 = {
    "InvloedVerzekeringsplicht": ("InfluenceObligedInsurance", "boolean", "same"),
    "PremieKorting": ("WageCostBenefit", "int", "nonzero"),
    "CodeIabZvw": ("IncomeRelatedContributionZvw", "int", "nonzero"),
    "RisicoGroep": ("RiskGroup", "int", "same"),
}
ALIASES: dict[str, dict[str, tuple[str, str, str]]] = {
    "SVWSettings": {**_SVW_NESTED, **_SVW_2020},
}
EXTRAS: dict[str, frozenset[str]] = {
    "SVWSettings": frozenset({
        "CreateDate", "StartYear", "StartPeriod", "CAO/CAOId", "CAO/CAODescription",
        "RiskGroup/RiskGroupId", "RiskGroup/RiskGroupDescription", "Sector/SectorId",
        "Sector/SectorDescription", "WageCostBenefit/EndPeriod", "WageCostBenefit/EndYear",
        "PremieKortingVerhoging"}),
}
# Which element tells a shape apart from the v3 flat one (first match wins).
_MARKERS: dict[str, tuple[tuple[str, str], ...]] = {
    "SVWSettings": (("CAO", "v3-nested"), ("InfluenceObligedInsuranced", "v3-nested"),
                    ("InvloedVerzekeringsplicht", "v2.1-2020"), ("RisicoGroep", "v2.1-2020")),
}
# The shape names of a result element other than <OpResult>.
RESULT_SHAPES = {"EmployeeContractItem": "v3-item"}
# The best-evidenced shape per operation (the simulator's default); others are "v3".
BEST = {"Contract_GetCurrentPeriod": "v3-item", "SVW_GetCurrent": "v3-nested"}


def alias_for(type_name: str, path: str) -> tuple[str, str, str] | None:
    """Return (v3 field, wire type, how) for an element path of another shape, if known."""
    return ALIASES.get(type_name, {}).get(path)


def is_container(type_name: str, path: str) -> bool:
    """Tell whether `path` is a nested record of another shape whose parts we read."""
    prefix = f"{path}/"
    return any(key.startswith(prefix) for key in (*ALIASES.get(type_name, {}),
                                                   *EXTRAS.get(type_name, ())))


def is_known_extra(type_name: str, path: str) -> bool:
    """Tell whether `path` is carried by a known shape and knowingly not read."""
    return path in EXTRAS.get(type_name, ())


def detect_shape(type_name: str, element) -> str:
    """Return the name of the shape `element` (a result record) comes in; 'v3' by default."""
    names = {child.tag.rsplit("}", 1)[-1] for child in element if isinstance(child.tag, str)}
    for marker, shape in _MARKERS.get(type_name, ()):
        if marker in names:
            return shape
    return "v3-flat" if type_name == "SVWSettings" else "v3"


def best_shape(operation: str) -> str:
    """Return the name of an operation's best-evidenced answer shape."""
    return BEST.get(operation, "v3")
