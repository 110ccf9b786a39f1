"""Personal data of one employee: name, BSN, birth date, contact details, family, addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from . import dutch
from .dataset_periods import random_day, rng_for
from .dataset_plan import CompanyPlan

# Nationality codes as in the Nmbrs nationality list (1 = Dutch); only the residents abroad differ.
NATIONALITY = {"NL": 1, "BE": 52, "DE": 55}
BIRTH_PLACES = {"TR": "Ankara", "MA": "Casablanca", "ES": "Madrid", "PL": "Krakau",
                "BE": "Antwerpen", "DE": "Münster"}
CIVIL_WITH_PARTNER = ("Gehuwd", "Samenwonend", "Geregistreerd partnerschap")
_DOC_CHARS = "ABCDEFGHIJKLMNPRSTUVWXYZ0123456789"  # document numbers never use the letter O


@dataclass(frozen=True)
class FamilyMember:
    """A partner or child: the person plus the dates Nmbrs keeps."""

    person: dutch.Person
    birthday: date
    start: date | None = None  # relationship start (partners only)
    phone: str | None = None
    email: str | None = None


def _years_before(day: date, years: float) -> date:
    return day - timedelta(days=int(years * 365.25))


def make_person(plan: CompanyPlan, employee_id: int) -> dutch.Person:
    """Draw the employee's name and gender."""
    return dutch.make_person(rng_for(plan.seed, employee_id, "person"))


def make_birthday(plan: CompanyPlan, employee_id: int, first_start: date, dga: bool) -> date:
    """Draw a birth date that makes the employee 17-58 (a DGA 30-55) at the first hire."""
    rng = rng_for(plan.seed, employee_id, "birthday")
    age = rng.uniform(30, 55) if dga else rng.triangular(17, 58, 24)
    return _years_before(first_start, age) - timedelta(days=rng.randint(0, 364))


def make_bsn(plan: CompanyPlan, employee_id: int, invalid: bool) -> str:
    """Draw the employee's BSN (or one that fails the 11-proef, for dirty data)."""
    rng = rng_for(plan.seed, employee_id, "bsn")
    return dutch.make_invalid_bsn(rng) if invalid else dutch.make_bsn(rng)


def make_details(plan: CompanyPlan, employee_id: int, person: dutch.Person) -> dict:
    """Draw the optional PersonalInfo fields: titles, documents, telephones, e-mail."""
    rng = rng_for(plan.seed, employee_id, "details")
    website = plan.cfg.website or "www.example.nl"
    has_doc = rng.random() < 0.6
    return {
        "Title": rng.choices((None, "ing.", "mr.", "drs."), weights=(89, 5, 3, 3))[0],
        "TitleAfter": rng.choices((None, "MSc", "BSc"), weights=(96, 2, 2))[0],
        "IdentificationType": rng.choice((1, 2)) if has_doc else 0,
        "IdentificationNumber": _document_number(rng) if has_doc else None,
        "TelephonePrivate": dutch.make_landline(rng) if rng.random() < 0.2 else None,
        "TelephoneMobilePrivate": dutch.make_mobile(rng) if rng.random() < 0.8 else None,
        "EmailPrivate": dutch.make_email(rng, person) if rng.random() < 0.7 else None,
        "EmailWork": (dutch.make_email(rng, person, website.removeprefix("www."))
                      if rng.random() < 0.3 else None),
        "PlaceOfBirth": BIRTH_PLACES.get(person.country_of_birth) or rng.choice(dutch.CITIES)[0],
    }


def _document_number(rng: random.Random) -> str:
    letters = "".join(rng.choice(_DOC_CHARS[:24]) for _ in range(2))
    middle = "".join(rng.choice(_DOC_CHARS) for _ in range(6))
    return f"{letters}{middle}{rng.randint(0, 9)}"


def make_partner(plan: CompanyPlan, employee_id: int, person: dutch.Person,
                 birthday: date | None) -> FamilyMember | None:
    """Draw a partner for about half of the employees."""
    rng = rng_for(plan.seed, employee_id, "partner")
    if rng.random() >= 0.5:
        return None
    opposite = "female" if person.gender == "male" else "male"
    partner = dutch.make_person(rng, opposite if rng.random() < 0.9 else person.gender)
    anchor = birthday or date(1985, 6, 1)
    partner_birthday = random_day(rng, _years_before(anchor, 5), _years_before(anchor, -5))
    start_low = max(_years_before(anchor, -20), _years_before(partner_birthday, -18))
    if start_low > plan.clock - timedelta(days=60):
        return None  # too young for a registered partner
    start = random_day(rng, start_low, plan.clock - timedelta(days=60))
    phone = dutch.make_mobile(rng) if rng.random() < 0.5 else None
    email = dutch.make_email(rng, partner) if rng.random() < 0.4 else None
    return FamilyMember(partner, partner_birthday, start, phone, email)


def make_children(plan: CompanyPlan, employee_id: int, person: dutch.Person,
                  birthday: date | None) -> list[FamilyMember]:
    """Draw 1-3 children for about a third of the employees, born after the parent turned 20."""
    rng = rng_for(plan.seed, employee_id, "children")
    if rng.random() >= 0.35:
        return []
    first = _years_before(birthday or date(1985, 6, 1), -20)
    last = plan.clock - timedelta(days=30)
    if first > last:
        return []
    family = (person.prefix, person.last_name, person.country_of_birth)
    born = sorted(random_day(rng, first, last) for _ in range(rng.choice((1, 1, 2, 2, 3))))
    return [FamilyMember(dutch.make_person(rng, surname=family), day) for day in born]


def make_addresses(plan: CompanyPlan, employee_id: int, first_start: date,
                   bad_postcode: bool) -> list[tuple[date, dict]]:
    """Draw the home address history: a quarter of the employees moved once."""
    rng = rng_for(plan.seed, employee_id, "address")
    abroad = rng.random() < 0.04 and not bad_postcode  # the bad postcode must be a Dutch one
    maker = dutch.make_foreign_address if abroad else dutch.make_address
    history = [(first_start, maker(rng))]
    move_low = first_start + timedelta(days=180)
    if rng.random() < 0.25 and move_low < plan.clock - timedelta(days=30):
        history.append((random_day(rng, move_low, plan.clock - timedelta(days=30)), maker(rng)))
    if bad_postcode:
        history[-1][1]["PostalCode"] = dutch.make_bad_postcode(rng)
    return history


def make_bank(plan: CompanyPlan, employee_id: int) -> tuple[str, str]:
    """Draw the employee's salary account (IBAN, BIC)."""
    return dutch.make_iban(rng_for(plan.seed, employee_id, "bank"))
