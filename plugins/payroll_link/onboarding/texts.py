"""Actions for the payroll processor, in Dutch and English, kept together for review."""

from __future__ import annotations

from payroll_link.onboarding.result import Action

ASR_TAG = "a.s.r. salariskoppeling"
GRANT_PLACE_NL = ("Instellingen → Gebruikers template users → <de template van de API-gebruiker> "
                  "→ API")
GRANT_PLACE_EN = "Instellingen → Gebruikers template users → <the API user's template> → API"

_TEXTS: dict[str, tuple[str, str]] = {
    "credentials": (
        "Nmbrs weigert de combinatie gebruikersnaam en API-token van {username}. Controleer de "
        "gebruikersnaam (e-mailadres) en lever een geldig API-token aan (is het token opnieuw "
        "aangemaakt, dan vervalt het oude).",
        "Nmbrs rejects the username and API token of {username}. Check the username (e-mail) "
        "and supply a valid API token (generating a new token invalidates the old one).",
    ),
    "domain": (
        "Het opgegeven Nmbrs-domein '{declared}' klopt niet; het domein van deze gebruiker is "
        "'{actual}'. Pas de aanmelding aan.",
        "The Nmbrs domain '{declared}' is wrong; this user's domain is '{actual}'. Correct "
        "the registration.",
    ),
    "credentials_or_domain": (
        "Nmbrs weigert de inlog (code 1001): gebruikersnaam, API-token of domein '{declared}' "
        "klopt niet. Controleer alle drie.",
        "Nmbrs rejects the login (code 1001): the username, API token or domain '{declared}' is "
        "wrong. Check all three.",
    ),
    "company_near": (
        "De bedrijfsnaam '{wanted}' staat niet letterlijk zo in Nmbrs. Bedoelt u '{found}'? "
        "Geef de naam exact op zoals in Nmbrs.",
        "The company name '{wanted}' is not spelled like that in Nmbrs. Did you mean "
        "'{found}'? Give the name exactly as spelled in Nmbrs.",
    ),
    "company_missing": (
        "Het bedrijf '{wanted}' is niet zichtbaar voor API-gebruiker {username}. Controleer de "
        "naam en de rechten van de gebruiker op de debiteur.",
        "Company '{wanted}' is not visible to API user {username}. Check the name and the "
        "user's rights on the debtor.",
    ),
    "company_missing_umbrella": (
        "Het bedrijf '{wanted}' is niet zichtbaar voor het overkoepelende account. Geef de "
        "debiteur van dit bedrijf in Nmbrs het label '" + ASR_TAG + "'.",
        "Company '{wanted}' is not visible to the umbrella account. Put the tag '" + ASR_TAG
        + "' on this company's debtor in Nmbrs.",
    ),
    "company_ambiguous": (
        "Er zijn {count} bedrijven met de naam '{wanted}' zichtbaar (ids {ids}). Laat per "
        "debiteur aanmelden of maak de namen uniek.",
        "{count} companies named '{wanted}' are visible (ids {ids}). Register per debtor or "
        "make the names unique.",
    ),
    "tag": (
        "De debiteur {debtor} van '{wanted}' heeft het label '" + ASR_TAG + "' niet. Voeg het "
        "label toe in Nmbrs.",
        "Debtor {debtor} of '{wanted}' lacks the tag '" + ASR_TAG + "'. Add the tag in Nmbrs.",
    ),
    "grant": (
        "Zet de API-call '{call}' ({service}) aan: " + GRANT_PLACE_NL + ".",
        "Switch on the API call '{call}' ({service}): " + GRANT_PLACE_EN + ".",
    ),
    "discovery": (
        "De API-gebruiker mag '{call}' niet aanroepen; a.s.r. heeft die nodig om het bedrijf "
        "te vinden. Zet hem aan: " + GRANT_PLACE_NL + ".",
        "The API user may not call '{call}', which a.s.r. needs to find the company. Switch it "
        "on: " + GRANT_PLACE_EN + ".",
    ),
    "wage_codes": (
        "Looncomponenten per verloning zijn niet op te halen (achtergrondrapport noch "
        "synchrone call). Zet '{call}' aan: " + GRANT_PLACE_NL + ".",
        "Wage codes by run cannot be fetched (neither the background report nor the "
        "synchronous call). Switch on '{call}': " + GRANT_PLACE_EN + ".",
    ),
    "dga_unknown": (
        "Personeelsnummer {number} van de opgegeven DGA bestaat niet (of is niet in dienst) in "
        "'{wanted}'. Geef het juiste personeelsnummer op.",
        "Employee number {number} of the declared DGA does not exist (or is not employed) in "
        "'{wanted}'. Give the right employee number.",
    ),
    "dga_name": (
        "De naam van de opgegeven DGA komt niet overeen met medewerker {number} in Nmbrs. "
        "Controleer naam en personeelsnummer.",
        "The declared DGA's name does not match employee {number} in Nmbrs. Check the name and "
        "the employee number.",
    ),
    "dga_not_flagged": (
        "Medewerker {number} is als DGA opgegeven, maar heeft in Nmbrs geen DGA-indicatie "
        "(SV-gegevens: verzekeringsplicht beïnvloed, geen WW/ZW/WAO-WIA). Controleer dit.",
        "Employee {number} is declared as DGA but has no DGA indication in Nmbrs (SVW: "
        "obliged insurance influenced, no WW/ZW/WAO-WIA). Please check.",
    ),
    "dga_undeclared": (
        "In Nmbrs heeft medewerker {numbers} een DGA-indicatie, maar er is geen (of een andere) "
        "DGA opgegeven. Geef de DGA op met naam en personeelsnummer, of corrigeer Nmbrs.",
        "In Nmbrs employee {numbers} has a DGA indication, but no (or another) DGA was "
        "declared. Declare the DGA with name and employee number, or correct Nmbrs.",
    ),
}


def action(key: str, *, blocking: bool = True, **values) -> Action:
    """Return the action `key` with `values` filled in (never pass tokens or personal data)."""
    nl, en = _TEXTS[key]
    return Action(nl.format(**values), en.format(**values), blocking)
