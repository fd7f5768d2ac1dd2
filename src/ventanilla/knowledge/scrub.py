"""Personal data out of a text before it becomes a knowledge article (pure functions).

An article drafted from a ticket must not carry the customer's identity into the knowledge
base. Two kinds of evidence are used: the values we *know* (the customer's and
participants' names and addresses, the organisation's name and mail domain) and
*patterns* (mail addresses, Spanish and international phone numbers, IBANs whose ISO 7064
mod 97-10 check digits hold, DNI/NIE whose control letter is right, street addresses).
Each find becomes a placeholder in the article's language (``[NOMBRE]``/``[NAME]``...), which
the author reviews before publishing: the scrubber errs towards removing.

Check digits keep false positives down: a product code shaped like an IBAN or a reference
shaped like a DNI stays unless its checksum is that of a real one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PLACEHOLDERS: dict[str, dict[str, str]] = {
    "es": {
        "name": "[NOMBRE]",
        "email": "[EMAIL]",
        "phone": "[TELÉFONO]",
        "iban": "[IBAN]",
        "dni": "[DNI]",
        "nie": "[NIE]",
        "address": "[DIRECCIÓN]",
        "organisation": "[ORGANIZACIÓN]",
    },
    "en": {
        "name": "[NAME]",
        "email": "[EMAIL]",
        "phone": "[PHONE]",
        "iban": "[IBAN]",
        "dni": "[DNI]",
        "nie": "[NIE]",
        "address": "[ADDRESS]",
        "organisation": "[ORGANISATION]",
    },
}


@dataclass(frozen=True)
class KnownPersonalData:
    """Values known to identify the people of a ticket (from its customer and participants)."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


# --- patterns ------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# ISO 13616: two letters, two check digits, up to 30 alphanumerics, usually in groups of 4.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?")
_DNI = re.compile(r"(?<![\w.])(\d{2}\.?\d{3}\.?\d{3})[ -]?([A-Za-z])(?!\w)")
_NIE = re.compile(r"(?<!\w)([XYZxyz])[ -]?(\d{7})[ -]?([A-Za-z])(?!\w)")
_CONTROL = "TRWAGMYFPDXBNJZSQVHLCKE"
# Spanish numbers: nine digits from 6-9 (mobiles 6/7, landlines 8/9), optionally +34/0034,
# in any grouping with spaces, dots or hyphens; other countries: + or 00 and 7-13 digits.
_PHONE_ES = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?34[\s.-]?|\(\+?34\)\s?)?[6789](?:[\s.-]?\d){8}(?!\d)"
)
_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[\s.-]?\(?\d\)?){6,12}(?!\d)")

_STREET_ES = (
    r"(?:C/|c/|[Cc]alle|[Aa]vda\.?|[Aa]venida|[Aa]v\.|[Pp]laza|[Pp]za\.|[Pp]aseo|P[ºo]\.?|"
    r"[Cc]amino|[Cc]arretera|[Cc]tra\.|[Rr]onda|[Tt]raves[ií]a|[Gg]lorieta|[Uu]rb\.|"
    r"[Uu]rbanizaci[oó]n|[Pp]asaje|[Rr]ambla)"
)
_WORD = r"[^\W\d_][\w'.-]*"
# Street type, up to six words of name, the number, then optional floor/door and postcode.
_ADDRESS_ES = re.compile(
    _STREET_ES
    + rf"\s*(?:{_WORD}\s+){{0,5}}?{_WORD},?\s*(?:n[º°o.]\s*)?\d{{1,4}}[A-Za-z]?(?!\d)"
    + r"(?:,?\s*(?:\d{1,2}\s*[º°ª]\s*(?:[A-Za-z](?!\w)|izq(?:da)?\.?|dcha\.?)?"
    + r"|(?:piso|planta|puerta|esc(?:alera)?\.?|bajo|[áa]tico)\s*\w{0,3}\.?"
    + r"|izq(?:da)?\.?|dcha\.?))*"
    + r"(?:,?\s*\d{5}(?:\s+[^\W\d_][\w-]*(?:\s+(?:de\s+)?[A-ZÁÉÍÓÚÑ][\w-]*){0,2})?)?"
)
_ADDRESS_EN = re.compile(
    r"(?<![\w/])\d{1,5}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){1,4}"
    r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Ln\.|Drive|Dr\.|Way|Court|Ct\.|"
    r"Boulevard|Blvd\.|Place|Square|Terrace)(?!\w)"
)
_POSTCODE_CITY = re.compile(r"(?<!\d)(?:0[1-9]|[1-4]\d|5[0-2])\d{3}\s+[A-ZÁÉÍÓÚÑ][\w-]+(?!\w)")

# Accent-insensitive matching of known names: "Maria" in a text still matches "María".
_FOLD = {
    "a": "aáàäâ",
    "e": "eéèëê",
    "i": "iíìïî",
    "o": "oóòöô",
    "u": "uúùüû",
    "n": "nñ",
    "c": "cç",
}
_PARTICLES = {"de", "del", "la", "las", "los", "y", "i", "da", "van", "von", "di"}
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:S\.?L\.?U?|S\.?A\.?U?|S\.?L\.?L\.?|S\.?Coop\.?|Ltd\.?|Inc\.?|LLC|GmbH|plc)\.?$", re.I
)


def _iban_valid(compact: str) -> bool:
    """ISO 7064 mod 97-10: the rearranged IBAN, letters as 10..35, leaves 1."""
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def _replace_iban(match: re.Match[str], placeholder: str) -> str:
    """Replace the longest prefix of ``match`` that is a valid IBAN (a greedy match may
    have swallowed a following capitalised word)."""
    raw = match.group(0)
    ends = [i + 1 for i, ch in enumerate(raw) if ch.isalnum()]
    for count in range(len(ends), 14, -1):
        end = ends[count - 1]
        if _iban_valid(re.sub(r"[ -]", "", raw[:end])):
            return placeholder + raw[end:]
    return raw


def _dni_valid(digits: str, letter: str) -> bool:
    return _CONTROL[int(digits) % 23] == letter.upper()


def _replace_dni(match: re.Match[str], placeholder: str) -> str:
    digits = match.group(1).replace(".", "")
    return placeholder if _dni_valid(digits, match.group(2)) else match.group(0)


def _replace_nie(match: re.Match[str], placeholder: str) -> str:
    # The leading X/Y/Z stands for 0/1/2 in the control computation.
    digits = str("XYZ".index(match.group(1).upper())) + match.group(2)
    return placeholder if _dni_valid(digits, match.group(3)) else match.group(0)


def _fuzzy(value: str) -> str:
    """A regex for ``value``: any case, accents optional, flexible whitespace."""
    parts = []
    for ch in unicodedata.normalize("NFC", value.strip()):
        base = unicodedata.normalize("NFD", ch)[0].lower()
        if ch.isspace():
            parts.append(r"\s+")
        elif base in _FOLD:
            parts.append(f"[{_FOLD[base]}{_FOLD[base].upper()}]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _known_pattern(values: Iterable[str]) -> re.Pattern[str] | None:
    """One alternation of ``values``, longest first, as whole words; None if none."""
    unique = sorted({v.strip() for v in values if len(v.strip()) >= 2}, key=len, reverse=True)
    if not unique:
        return None
    alternation = "|".join(_fuzzy(v) for v in unique)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.I)


def _name_variants(names: Iterable[str]) -> list[str]:
    """Full names, and each significant part of them (a signature says only "María")."""
    variants: list[str] = []
    for name in names:
        name = re.sub(r"[\"<>]", " ", name).strip()
        if not name or "@" in name:
            continue
        variants.append(name)
        variants.extend(
            part for part in name.split() if len(part) >= 3 and part.lower() not in _PARTICLES
        )
    return variants


def _organisation_variants(organisations: Iterable[str]) -> list[str]:
    """The name as written and without its legal form ("Acme S.L." → "Acme")."""
    variants: list[str] = []
    for organisation in organisations:
        variants.append(organisation)
        stem = _LEGAL_SUFFIX.sub("", organisation).strip()
        if stem and stem != organisation:
            variants.append(stem)
    return variants


def _domain_variants(domains: Iterable[str]) -> list[str]:
    """The domain, and its first label: customers call "acme.es" by its name, "Acme"."""
    variants: list[str] = []
    for domain in domains:
        variants.append(domain)
        label = domain.split(".")[0]
        if len(label) >= 3:
            variants.append(label)
    return variants


def scrub_personal_data(text: str, *, known: KnownPersonalData, language: str = "es") -> str:
    """Return ``text`` with personal data replaced by placeholders in ``language``.

    Order matters: addresses and IBANs go before phone numbers (they hold digit runs),
    mail addresses before names and domains (they hold both).
    """
    p = PLACEHOLDERS.get(language, PLACEHOLDERS["es"])
    text = _EMAIL.sub(p["email"], text)
    text = _IBAN.sub(lambda m: _replace_iban(m, p["iban"]), text)
    text = _NIE.sub(lambda m: _replace_nie(m, p["nie"]), text)
    text = _DNI.sub(lambda m: _replace_dni(m, p["dni"]), text)
    text = _ADDRESS_ES.sub(p["address"], text)
    text = _ADDRESS_EN.sub(p["address"], text)
    text = _POSTCODE_CITY.sub(p["address"], text)
    text = _PHONE_ES.sub(p["phone"], text)
    text = _PHONE_INTL.sub(p["phone"], text)
    organisation = _known_pattern(
        _organisation_variants(known.organisations) + _domain_variants(known.domains)
    )
    if organisation is not None:
        text = organisation.sub(p["organisation"], text)
    names = _known_pattern(_name_variants(known.names))
    if names is not None:
        text = names.sub(p["name"], text)
        # "María García" with only parts known (or a name typed in a new order): one placeholder.
        repeated = re.escape(p["name"])
        text = re.sub(rf"{repeated}(?:\s+{repeated})+", p["name"], text)
    return text
