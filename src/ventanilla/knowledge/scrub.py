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

# Abbreviated street types are a strong signal: any words may follow. After a full word
# ("calle", "plaza") the name must look like one (capitalised words and particles), or
# "la calle está cortada desde hace 3 días" would read as an address.
_STREET_ABBREVIATED = r"(?:[Cc]/|[Aa]vda\.?|[Aa]v\.|[Pp]za\.|P[º°]\.?|[Cc]tra\.|[Uu]rb\.)"
_STREET_WORD = (
    r"(?:[Cc]alle|[Aa]venida|[Pp]laza|[Pp]aseo|[Cc]amino|[Cc]arretera|[Rr]onda|"
    r"[Tt]raves[ií]a|[Gg]lorieta|[Uu]rbanizaci[oó]n|[Pp]asaje|[Rr]ambla)"
)
_WORD = r"[^\W\d_][\w'.-]*"
_NAME_WORD = r"(?:[A-ZÁÉÍÓÚÑÜ][\w'.-]*|de|del|la|las|los|el|y|d')"
_NUMBER = r",?\s*(?:n[º°o.]\s*|km\.?\s*)?\d{1,4}[A-Za-z]?(?!\d)"
# Floor, door, staircase ("3º B", "2º izq", "planta 12", "bajo"), then a postcode and town.
_TAIL = (
    r"(?:,?\s*(?:\d{1,2}\s*[º°ª]\s*(?:[A-Za-z](?!\w)|izq(?:da)?\.?|dcha\.?)?"
    r"|(?:piso|planta|puerta|esc(?:alera)?\.?|bajo|[áa]tico)\s*\w{0,3}\.?"
    r"|izq(?:da)?\.?|dcha\.?))*"
    r"(?:,?\s*\d{5}(?:\s+[^\W\d_][\w-]*(?:\s+(?:de\s+)?[A-ZÁÉÍÓÚÑ][\w-]*){0,2})?)?"
)
_ADDRESS_ES = re.compile(
    rf"(?:{_STREET_ABBREVIATED}\s*(?:{_WORD}\s+){{0,5}}?{_WORD}"
    rf"|(?<!\w){_STREET_WORD}\s+(?:{_NAME_WORD}\s+){{0,5}}?[A-ZÁÉÍÓÚÑÜ][\w'.-]*)"
    rf"{_NUMBER}{_TAIL}"
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


def _fuzzy(value: str, *, any_case: bool) -> str:
    """A regex for ``value``: accents optional, flexible whitespace; any case, or as written."""
    parts = []
    for ch in unicodedata.normalize("NFC", value.strip()):
        base = unicodedata.normalize("NFD", ch)[0]
        if ch.isspace():
            parts.append(r"\s+")
        elif base.lower() in _FOLD:
            variants = _FOLD[base.lower()]
            if any_case:
                parts.append(f"[{variants}{variants.upper()}]")
            else:
                parts.append(f"[{variants.upper() if base.isupper() else variants}]")
        elif any_case and ch.lower() != ch.upper():
            parts.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _known_pattern(wholes: Iterable[str], words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole values in any case, single words only Capitalised or in CAPITALS (a surname
    like "Mar" or a brand like "Sol" is also a word: "mar en calma" stays); None if none.
    """
    alternatives = {_fuzzy(v, any_case=True): len(v) for v in wholes if len(v.strip()) >= 2}
    for word in words:
        for form in (word[:1].upper() + word[1:].lower(), word.upper()):
            alternatives.setdefault(_fuzzy(form, any_case=False), len(form))
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=lambda k: alternatives[k], reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(ordered)})(?!\w)")


def _name_variants(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """Full names, and each significant part of them (a signature says only "María")."""
    wholes: list[str] = []
    parts: list[str] = []
    for name in names:
        name = re.sub(r"[\"<>]", " ", name).strip()
        if not name or "@" in name:
            continue
        wholes.append(name)
        parts.extend(
            part for part in name.split() if len(part) >= 3 and part.lower() not in _PARTICLES
        )
    return wholes, parts


def _organisation_variants(organisations: Iterable[str]) -> list[str]:
    """The name as written and without its legal form ("Acme S.L." → "Acme")."""
    variants: list[str] = []
    for organisation in organisations:
        variants.append(organisation)
        stem = _LEGAL_SUFFIX.sub("", organisation).strip()
        if stem and stem != organisation:
            variants.append(stem)
    return variants


def _domain_labels(domains: Iterable[str]) -> list[str]:
    """The first label of each domain: customers call "acme.es" by its name, "Acme"."""
    return [label for label in (d.split(".")[0] for d in domains) if len(label) >= 3]


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
        _organisation_variants(known.organisations) + list(known.domains),
        _domain_labels(known.domains),
    )
    if organisation is not None:
        text = organisation.sub(p["organisation"], text)
    names = _known_pattern(*_name_variants(known.names))
    if names is not None:
        text = names.sub(p["name"], text)
        # "María García" with only parts known (or a name typed in a new order): one placeholder.
        repeated = re.escape(p["name"])
        text = re.sub(rf"{repeated}(?:\s+{repeated})+", p["name"], text)
    return text
