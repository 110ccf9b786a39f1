"""Synthetic but realistic Dutch identities: BSN, IBAN, names, addresses, contact details."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

MALE_FIRST_NAMES = (
    "Jan Pieter Johannes Hendrik Willem Cornelis Gerrit Thomas Daan Bram Lucas Sem Jesse Ruben Tim"
    " Bas Joost Maarten Sander Jeroen Niels Stefan Mehmet Mohamed Kevin Dennis Martijn Rik Koen"
    " Wouter Erik Henk Kees Joris Luuk Stijn José Floris Hugo André Noël"
).split()
FEMALE_FIRST_NAMES = (
    "Maria Anna Johanna Elisabeth Cornelia Emma Sophie Julia Anouk Lisa Sanne Femke Eva Iris Lotte"
    " Fleur Marloes Esther Ingrid Renée Chloë Zoë Noëlle Inge Petra Monique Sandra Linda Fatima"
    " Ayşe Yasmin Saskia Annemieke Marieke Lieke Nienke Hanna Mirjam"
).split()
# Catholic-style extra given names: they only show up in the initials ("J.M.").
MALE_MIDDLE_NAMES = "Johannes Hendrik Cornelis Petrus Maria Jacobus Antonius Gerardus".split()
FEMALE_MIDDLE_NAMES = "Maria Johanna Wilhelmina Gerarda Catharina Petronella Elisabeth".split()

# (tussenvoegsel, surname, country of birth typical for the name)
SURNAMES: tuple[tuple[str | None, str, str], ...] = (
    (None, "Jansen", "NL"), (None, "Bakker", "NL"), ("de", "Vries", "NL"),
    ("van den", "Berg", "NL"), ("van", "Dijk", "NL"), (None, "Visser", "NL"),
    (None, "Smit", "NL"), ("de", "Jong", "NL"), (None, "Meijer", "NL"), ("de", "Boer", "NL"),
    (None, "Mulder", "NL"), ("de", "Groot", "NL"), (None, "Bos", "NL"), ("van der", "Meer", "NL"),
    (None, "Hendriks", "NL"), ("van", "Leeuwen", "NL"), ("van der", "Linden", "NL"),
    (None, "Dekker", "NL"), ("van den", "Heuvel", "NL"), ("ter", "Horst", "NL"),
    ("'t", "Hart", "NL"), ("van", "Gils", "NL"), (None, "Hoekstra", "NL"), (None, "Postma", "NL"),
    (None, "Kuipers", "NL"), ("van der", "Wal", "NL"), ("de", "Haan", "NL"),
    (None, "Vermeulen", "NL"), (None, "Peters", "NL"), (None, "Brouwer", "NL"),
    ("ter", "Beek", "NL"), ("van 't", "Hof", "NL"), (None, "Smeets", "NL"), (None, "Maas", "NL"),
    ("van", "Rooij", "NL"), (None, "Claessens", "BE"), (None, "Wijnands", "NL"),
    (None, "Özdemir", "TR"), (None, "Yılmaz", "TR"), (None, "Brouwer-Çelik", "NL"),
    (None, "Boër", "NL"), (None, "Ruïz", "ES"), (None, "Hoëlle", "NL"), (None, "El Amrani", "MA"),
    (None, "Kowalski", "PL"), (None, "Schröder", "DE"),
)

STREETS = (
    "Kerkstraat Dorpsstraat Stationsweg Molenweg Schoolstraat Julianastraat Beatrixlaan"
    " Wilhelminastraat Oranjestraat Lindelaan Eikenlaan Beukenlaan Kastanjelaan Esdoornstraat"
    " Berkenweg Sportlaan Parallelweg Industrieweg Nieuwstraat Hoofdstraat Marktplein Havenstraat"
    " Vondelstraat Rembrandtlaan Tulpstraat Rozenstraat Populierenlaan Herengracht Ruïnelaan"
    " Coöperatiestraat Zeedijk Dijkweg Kloosterweg Brinkstraat"
).split() + ["Van Goghstraat", "Lange Nieuwstraat", "Prins Hendrikkade", "Korte Hoogstraat"]

# City with the postcode digit range it really uses (approximate), so addresses look plausible.
CITIES: tuple[tuple[str, int, int], ...] = (
    ("Amsterdam", 1011, 1109), ("Rotterdam", 3011, 3089), ("Den Haag", 2491, 2599),
    ("Utrecht", 3511, 3585), ("Groningen", 9711, 9747), ("Eindhoven", 5611, 5658),
    ("Zwolle", 8011, 8043), ("Leeuwarden", 8911, 8939), ("Assen", 9401, 9409),
    ("Haarlem", 2011, 2037), ("Amersfoort", 3811, 3829), ("Nijmegen", 6511, 6546),
    ("Arnhem", 6811, 6846), ("Maastricht", 6211, 6229), ("Tilburg", 5011, 5049),
    ("Breda", 4811, 4839), ("Leiden", 2311, 2334), ("Delft", 2611, 2629),
    ("Enschede", 7511, 7548), ("Apeldoorn", 7311, 7339), ("'s-Hertogenbosch", 5211, 5249),
    ("Almere", 1311, 1363), ("Alkmaar", 1811, 1834), ("Deventer", 7411, 7429),
    ("Drachten", 9200, 9206), ("Emmen", 7811, 7828), ("Sneek", 8601, 8608), ("Hoorn", 1621, 1628),
)
FOREIGN_CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("BE", "Antwerpen", "2000", "Kerkstraat"), ("BE", "Gent", "9000", "Veldstraat"),
    ("BE", "Hasselt", "3500", "Stationsplein"), ("BE", "Turnhout", "2300", "Gasthuisstraat"),
    ("DE", "Münster", "48143", "Bahnhofstraße"), ("DE", "Kleve", "47533", "Hauptstraße"),
    ("DE", "Aachen", "52062", "Schulstraße"), ("DE", "Bocholt", "46395", "Gartenstraße"),
)

BANKS = {
    "ABNA": "ABNANL2A", "INGB": "INGBNL2A", "RABO": "RABONL2U", "SNSB": "SNSBNL2A",
    "TRIO": "TRIONL2U", "KNAB": "KNABNL2H", "ASNB": "ASNBNL21", "BUNQ": "BUNQNL2A",
}
BANK_WEIGHTS = (25, 30, 25, 6, 3, 4, 4, 3)  # the big three hold most salary accounts
MAIL_DOMAINS = ("gmail.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com", "live.nl")

# Postcode letters F, I, O, Q, U and Y are not used; the pairs SA, SD and SS never are
# (pension-handoff.md DQ4).
_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_FORBIDDEN_PAIRS = frozenset({"SA", "SD", "SS"})
_POSTCODE_RE = re.compile(r"^[1-9][0-9]{3} ?([A-Z]{2})$")
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def bsn_is_valid(bsn: str) -> bool:
    """Tell whether a BSN has 9 digits, is not all zeros and passes the 11-proef."""
    if len(bsn) != 9 or not bsn.isdigit() or bsn.startswith("000"):
        return False
    return sum(w * int(d) for w, d in zip(_BSN_WEIGHTS, bsn, strict=True)) % 11 == 0


def make_bsn(rng: random.Random) -> str:
    """Draw a 9-digit BSN that passes the 11-proef."""
    while True:
        head = [rng.randint(1, 6)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(w * d for w, d in zip(_BSN_WEIGHTS[:8], head, strict=True)) % 11
        if check < 10:  # a remainder of 10 cannot be cancelled by one digit: draw again
            return "".join(map(str, head)) + str(check)


def make_invalid_bsn(rng: random.Random) -> str:
    """Draw a 9-digit number that fails the 11-proef (a typo in one digit)."""
    valid = make_bsn(rng)
    # Shifting the last digit by 1..9 moves the weighted sum by 1..9, never a multiple of 11.
    last = (int(valid[-1]) + rng.randint(1, 9)) % 10
    return valid[:-1] + str(last)


def _iban_remainder(iban: str) -> int:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97


def iban_is_valid(iban: str) -> bool:
    """Tell whether an IBAN passes the ISO 13616 mod-97 check."""
    return len(iban) >= 15 and iban[:2].isalpha() and _iban_remainder(iban) == 1


def make_iban(rng: random.Random, bank: str | None = None) -> tuple[str, str]:
    """Draw a Dutch IBAN and the matching BIC."""
    bank = bank or rng.choices(list(BANKS), weights=BANK_WEIGHTS)[0]
    account = "".join(str(rng.randint(0, 9)) for _ in range(10))
    check = 98 - _iban_remainder(f"NL00{bank}{account}")
    return f"NL{check:02d}{bank}{account}", BANKS[bank]


def postcode_is_valid(postcode: str) -> bool:
    """Tell whether a Dutch postcode ("1234 AB") has a valid form and an issued letter pair."""
    match = _POSTCODE_RE.match(postcode)
    return bool(match) and match.group(1) not in _FORBIDDEN_PAIRS


def make_postcode(rng: random.Random, low: int = 1000, high: int = 9999) -> str:
    """Draw a valid Dutch postcode with its digits in [low, high]."""
    while True:
        pair = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        if pair not in _FORBIDDEN_PAIRS:
            return f"{rng.randint(low, high)} {pair}"


def make_bad_postcode(rng: random.Random) -> str:
    """Draw a wrong Dutch postcode: a never-issued letter pair or five digits."""
    if rng.random() < 0.5:
        return f"{rng.randint(1000, 9999)} {rng.choice(sorted(_FORBIDDEN_PAIRS))}"
    return str(rng.randint(10000, 99999))


def ascii_fold(text: str) -> str:
    """Strip diacritics and non-letters, for e-mail addresses and user names."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass(frozen=True)
class Person:
    """A synthetic person: given names, tussenvoegsel kept apart, surname and gender."""

    given_names: tuple[str, ...]
    prefix: str | None
    last_name: str
    gender: str
    country_of_birth: str

    @property
    def first_name(self) -> str:
        """Return the name the person goes by (the first given name)."""
        return self.given_names[0]

    @property
    def initials(self) -> str:
        """Return the initials of all given names, e.g. "J.M."."""
        return "".join(f"{name[0]}." for name in self.given_names)

    @property
    def surname(self) -> str:
        """Return the full surname with its tussenvoegsel, e.g. "van der Meer"."""
        return f"{self.prefix} {self.last_name}" if self.prefix else self.last_name

    @property
    def display_name(self) -> str:
        """Return the name as Nmbrs shows it in lists."""
        return f"{self.first_name} {self.surname}"


def make_person(
    rng: random.Random,
    gender: str | None = None,
    surname: tuple[str | None, str, str] | None = None,
) -> Person:
    """Draw a person; pass `surname` (prefix, name, country) to reuse a family name."""
    gender = gender or rng.choice(("male", "female"))
    firsts, middles = (
        (MALE_FIRST_NAMES, MALE_MIDDLE_NAMES)
        if gender == "male"
        else (FEMALE_FIRST_NAMES, FEMALE_MIDDLE_NAMES)
    )
    given = [rng.choice(firsts)]
    for _ in range(rng.choices((0, 1, 2), weights=(55, 35, 10))[0]):
        given.append(rng.choice(middles))
    prefix, last, country = surname or rng.choice(SURNAMES)
    return Person(tuple(given), prefix, last, gender, country)


def make_address(rng: random.Random) -> dict:
    """Draw a Dutch home address as EmployeeAddress fields (without Id, Default, Type)."""
    city, low, high = rng.choice(CITIES)
    addition = rng.choices((None, "A", "B", "bis", "1", "2", "hs", "III"),
                           weights=(85, 4, 3, 1, 2, 2, 2, 1))[0]
    return {
        "Street": rng.choice(STREETS),
        "HouseNumber": str(int(rng.triangular(1, 250, 8))),
        "HouseNumberAddition": addition,
        "PostalCode": make_postcode(rng, low, high),
        "City": city,
        "StateProvince": None,
        "CountryISOCode": "NL",
    }


def make_foreign_address(rng: random.Random) -> dict:
    """Draw a Belgian or German address for a cross-border worker."""
    country, city, postcode, street = rng.choice(FOREIGN_CITIES)
    return {
        "Street": street,
        "HouseNumber": str(rng.randint(1, 120)),
        "HouseNumberAddition": None,
        "PostalCode": postcode,
        "City": city,
        "StateProvince": {"BE": "Vlaanderen", "DE": "Nordrhein-Westfalen"}.get(country),
        "CountryISOCode": country,
    }


def make_mobile(rng: random.Random) -> str:
    """Draw a Dutch mobile number."""
    return f"06-{rng.randint(10000000, 99999999)}"


def make_landline(rng: random.Random) -> str:
    """Draw a Dutch landline number with a real-looking area code."""
    area = rng.choice(("020", "010", "070", "030", "050", "040", "038", "058", "0592", "0513"))
    digits = 10 - len(area)
    return f"{area}-{rng.randint(10 ** (digits - 1), 10**digits - 1)}"


def make_email(rng: random.Random, person: Person, domain: str | None = None) -> str:
    """Make an e-mail address from a person's name (diacritics folded)."""
    local = f"{ascii_fold(person.first_name)}.{ascii_fold(person.surname)}"
    if domain is None:
        domain = rng.choice(MAIL_DOMAINS)
        local += str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
    return f"{local}@{domain}"


def make_kvk(rng: random.Random) -> str:
    """Draw an 8-digit Chamber of Commerce (KvK) number."""
    return str(rng.randint(10_000_000, 99_999_999))
