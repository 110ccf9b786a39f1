"""Answer shapes: each call can answer in every shape we have evidence for (a per-call profile).

``PROFILES`` lists, per operation, the shapes the simulator can send, the best-evidenced first
(the default; docs/nmbrs-soap-shapes.md ranks them). Drift knobs add unknown elements to, or
rename elements of, a call's result records, as a changed Nmbrs would.
"""

from __future__ import annotations

from lxml import etree

from simulators.nmbrs_sim import soap

PROFILES: dict[str, tuple[str, ...]] = {
    "Contract_GetCurrentPeriod": ("v3-item", "asmx-result"),
    "SVW_GetCurrent": ("v3-nested", "v3-flat", "v2.1-2020"),
    "Children_Get": ("empty-element", "omitted"),
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def check_profiles(profiles: dict) -> None:
    """Raise ValueError naming an unknown operation or shape."""
    for op, shape in profiles.items():
        if shape not in PROFILES.get(op, ()):
            raise ValueError(f"no shape {shape!r} for {op!r}; known: {PROFILES.get(op, ())}")


def render(op, value, knobs, envelope: str = soap.SOAP_ENV) -> bytes:
    """Return the response envelope of `op` in the profile the knobs set, drift knobs applied."""
    shape = knobs.shapes.get(op.name) or PROFILES.get(op.name, ("v3",))[0]
    if op.name == "Children_Get" and shape == "omitted" and value is not None:
        value = {**value, "EmployeeChildren": value.get("EmployeeChildren") or None}
    body = soap.response(op, value, envelope)
    extra, renamed = knobs.extra_elements.get(op.name), knobs.rename_elements.get(op.name)
    if shape in ("v3", "v3-flat", "v3-item", "empty-element", "omitted") and not (
            extra or renamed):
        return body
    root = etree.fromstring(body, _PARSER)
    result = root[-1][0][0] if len(root[-1][0]) else None
    if result is not None:
        if shape == "asmx-result":
            result.tag = f"{{{op.namespace}}}{op.name}Result"
        elif shape in _SVW:
            _SVW[shape](result, op.namespace)
        for record in (list(result) if op.result.endswith("[]") else [result]):
            _drift(record, op.namespace, extra or (), renamed or {})
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _drift(record, ns: str, extra, renamed: dict) -> None:
    for child in record:
        old = etree.QName(child).localname
        if old in renamed:
            child.tag = f"{{{ns}}}{renamed[old]}"
    for name in extra:
        etree.SubElement(record, f"{{{ns}}}{name}").text = "1"


def _flat(result) -> dict[str, str | None]:
    return {etree.QName(c).localname: c.text for c in result}


def _rebuild(result, ns: str, parts: list) -> None:
    for child in list(result):
        result.remove(child)
    for name, text in parts:
        element = etree.SubElement(result, f"{{{ns}}}{name}")
        if isinstance(text, list):
            for sub, sub_text in text:
                etree.SubElement(element, f"{{{ns}}}{sub}").text = sub_text
        else:
            element.text = text


def _code(flag: str | None) -> str:
    return "1" if flag == "true" else "0"


def _svw_nested(result, ns: str) -> None:
    """The nested v3 shape a v3-built SDK reads: code objects for CAO, risk group, sector."""
    v = _flat(result)
    _rebuild(result, ns, [
        ("Id", v["Id"]), ("CreateDate", "2026-01-01T00:00:00"), ("StartYear", "2026"),
        ("StartPeriod", "1"), ("InfluenceObligedInsuranced", v["InfluenceObligedInsurance"]),
        ("Wao_Wia", v["Wao_Wia"]), ("Ww", v["Ww"]), ("Zw", v["Zw"]),
        ("IncomeRelatedContributionZvw", v["IncomeRelatedContributionZvw"]),
        ("CodeZvw", v["CodeZvw"]), ("EmploymentType", v["EmploymentType"]),
        ("PhaseClassification", v["PhaseClassification"]),
        ("EmploymentSequenceTaxId", v["EmploymentSequenceTaxId"]),
        ("CAO", [("CAOId", "1"), ("CAOCode", v["CodeCao"]), ("CAODescription", "cao")]),
        ("RiskGroup", [("RiskGroupId", "1"), ("RiskGroupCode", v["RiskGroup"]),
                       ("RiskGroupDescription", "risk group")]),
        ("Sector", [("SectorId", "1"), ("SectorCode", v["Sector"]),
                    ("SectorDescription", "sector")]),
        ("WageCostBenefit", [("WageCostBenefitCode", _code(v["WageCostBenefit"])),
                             ("EndPeriod", "0"), ("EndYear", "0")]),
    ])


def _svw_2020(result, ns: str) -> None:
    """The v2.1 shape of the 2020 WSDL: Dutch names, CodeZvw a string, no WAB 2020 fields."""
    v = _flat(result)
    _rebuild(result, ns, [
        ("Id", v["Id"]), ("InvloedVerzekeringsplicht", _code(v["InfluenceObligedInsurance"])),
        ("PremieKorting", _code(v["WageCostBenefit"])), ("PremieKortingVerhoging", "false"),
        ("CodeCao", v["CodeCao"]), ("Wao_Wia", v["Wao_Wia"]), ("Ww", v["Ww"]), ("Zw", v["Zw"]),
        ("CodeIabZvw", _code(v["IncomeRelatedContributionZvw"])), ("CodeZvw", v["CodeZvw"]),
        ("RisicoGroep", v["RiskGroup"]), ("Sector", v["Sector"]),
    ])


_SVW = {"v3-nested": _svw_nested, "v2.1-2020": _svw_2020}
