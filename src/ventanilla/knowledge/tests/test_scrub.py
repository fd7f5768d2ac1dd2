"""Personal data removed from a ticket's text before it becomes an article (table-driven)."""

from __future__ import annotations

import pytest

from ventanilla.knowledge.scrub import KnownPersonalData, scrub_personal_data

KNOWN = KnownPersonalData(
    names=("María García López", "John O'Brien"),
    emails=("maria.garcia@acme.es",),
    organisations=("Acme Logística S.L.",),
    domains=("acme.es",),
)

# (text, what must be gone, placeholder expected in Spanish)
CASES_ES = [
    ("Escríbame a maria.garcia@acme.es", "maria.garcia@acme.es", "[EMAIL]"),
    ("o a otra.persona+x@gmail.com", "otra.persona", "[EMAIL]"),
    ("Mi móvil es 600 123 456", "600 123 456", "[TELÉFONO]"),
    ("Llame al +34 612345678", "612345678", "[TELÉFONO]"),
    ("Tel. 0034 91 123 45 67", "91 123 45 67", "[TELÉFONO]"),
    ("Fijo: 912.345.678.", "912.345.678", "[TELÉFONO]"),
    ("móvil 655-12-34-56", "655-12-34-56", "[TELÉFONO]"),
    ("Oficina de Lisboa +351 21 123 4567", "21 123 4567", "[TELÉFONO]"),
    ("IBAN ES91 2100 0418 4502 0005 1332 por favor", "2100 0418", "[IBAN]"),
    ("cuenta ES9121000418450200051332.", "ES9121000418450200051332", "[IBAN]"),
    ("GB82 WEST 1234 5698 7654 32 es la de Londres", "WEST 1234", "[IBAN]"),
    ("DNI 12345678Z", "12345678Z", "[DNI]"),
    ("con DNI 12.345.678-Z adjunto", "12.345.678-Z", "[DNI]"),
    ("NIE X1234567L", "X1234567L", "[NIE]"),
    ("NIE: y-1234567-x", "1234567", "[NIE]"),
    ("Envíenlo a C/ Mayor 5, 3º B, 28013 Madrid.", "Mayor 5", "[DIRECCIÓN]"),
    ("vivo en Calle de la Princesa 25, 2º izq", "Princesa", "[DIRECCIÓN]"),
    ("la oficina está en Avda. Diagonal 640, 08017 Barcelona", "Diagonal 640", "[DIRECCIÓN]"),
    ("en avenida de América nº 12 bajo", "América", "[DIRECCIÓN]"),
    ("Plaza Mayor 1", "Mayor 1", "[DIRECCIÓN]"),
    ("vivo en c/ mayor 5", "mayor 5", "[DIRECCIÓN]"),
    ("Calle Mayor, 5", "Mayor", "[DIRECCIÓN]"),
    ("Paseo de la Castellana 259D, planta 12", "Castellana", "[DIRECCIÓN]"),
    ("Ctra. de Valencia km 7", "Valencia", "[DIRECCIÓN]"),
    ("Plaza de España 3, 1º dcha, 41013 Sevilla", "Sevilla", "[DIRECCIÓN]"),
    ("Ship it to 221B Baker Street please", "Baker Street", "[DIRECCIÓN]"),
    ("Un saludo, María García López", "García", "[NOMBRE]"),
    ("Gracias, Maria", "Maria", "[NOMBRE]"),
    ("firmado: GARCÍA", "GARCÍA", "[NOMBRE]"),
    ("Hi, John O'Brien here", "O'Brien", "[NOMBRE]"),
    ("Somos Acme Logística S.L. y", "Acme", "[ORGANIZACIÓN]"),
    ("en Acme Logistica no funciona", "Acme", "[ORGANIZACIÓN]"),
    ("la intranet intranet.acme.es no carga", "acme.es", "[ORGANIZACIÓN]"),
]


@pytest.mark.parametrize(("text", "gone", "placeholder"), CASES_ES)
def test_personal_data_replaced(text: str, gone: str, placeholder: str) -> None:
    scrubbed = scrub_personal_data(text, known=KNOWN, language="es")
    assert gone not in scrubbed, scrubbed
    assert placeholder in scrubbed, scrubbed


# Text that only looks like personal data stays: wrong check digits, ordinary words.
UNTOUCHED = [
    "El pedido ES91 2100 0418 4502 0005 1333 es un código interno",  # IBAN checksum off
    "referencia 12345678A",  # DNI control letter wrong (should be Z)
    "NIE X1234567A",  # NIE control letter wrong
    "La factura SOP-2026-00042 de 2026",
    "Reinicie el router y espere 30 segundos",
    "Versión 5.2.19 del programa, puerto 8080",
    "Marina Grande tiene la calle mojada",  # no known name, no street number
    "la calle está cortada desde hace 3 días",  # a street word, but no street name
    "en la plaza hay 3 bancos",
    "a las 9:30 del 12/03/2026, importe 1.234,56 €",
    "IP 192.168.1.100, Windows 10, puerto 993",
    "código 612345678901",  # twelve digits: no Spanish number
    "la luz de la garcía",  # a surname part in lower case is a word, not the person
    "el portal de acme",  # the domain's name in lower case is a word too
]


@pytest.mark.parametrize("text", UNTOUCHED)
def test_lookalikes_untouched(text: str) -> None:
    assert scrub_personal_data(text, known=KNOWN, language="es") == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 600 123 456", "Call [PHONE]"),
        ("Regards, María", "Regards, [NAME]"),
        ("We at Acme Logística S.L.", "We at [ORGANISATION]"),
        ("Lives at C/ Mayor 5, 3º B", "Lives at [ADDRESS]"),
        ("DNI 12345678Z, IBAN ES9121000418450200051332", "DNI [DNI], IBAN [IBAN]"),
    ],
)
def test_placeholders_in_english(text: str, expected: str) -> None:
    assert scrub_personal_data(text, known=KNOWN, language="en") == expected


def test_whole_sentence_keeps_the_help() -> None:
    text = (
        "Hola, soy María García (Acme Logística). No puedo entrar en la VPN desde "
        "C/ Alcalá 120, 4º D; llámenme al 699 88 77 66."
    )
    scrubbed = scrub_personal_data(text, known=KNOWN)
    assert scrubbed == (
        "Hola, soy [NOMBRE] ([ORGANIZACIÓN]). No puedo entrar en la VPN desde "
        "[DIRECCIÓN]; llámenme al [TELÉFONO]."
    )
