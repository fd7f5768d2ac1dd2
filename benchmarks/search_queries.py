"""The 50 representative queries of the search benchmark, by kind.

Words, phrases, accent-less spellings, typos, numbers (error codes, invoice and order numbers,
a ticket number that should jump straight to its ticket) and filtered searches. Every word is
drawn from the generated corpus (``search_corpus``), so each query has answers; the numbers
that depend on the data (an invoice, an order, a ticket number) are read from the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Query:
    """One query: its kind (for the per-kind figures), text and filter values."""

    kind: str
    text: str
    filters: dict[str, Any] = field(default_factory=dict)


WORDS = (
    "factura",
    "contraseña",
    "certificado",
    "impresora",
    "nóminas",
    "VPN",
    "ERP",
    "invoice",
    "password",
    "printer",
    "payroll",
    "slow",
)
PHRASES = (
    '"no funciona desde esta mañana"',
    '"calcula mal el IVA"',
    '"copia de seguridad"',
    '"keeps asking for the password"',
    '"browser cache"',
    '"customer portal"',
    "servidor de ficheros",
    "firma digital caducado",
)
ACCENTLESS = (
    "contrasena",
    "facturacion electronica",
    "nominas",
    "aplicacion movil",
    "sincronizacion calendario",
    "sesion",
    "exportacion",
    "Ibanez",
)
TYPOS = (
    "imprsora",
    "certficado",
    "facturacon",
    "pasword",
    "invocie",
    "sincornizar",
    "nominsa",
    "certifcate",
)
CODES = ("502", "0x80070005", "ORA-12541", "E-1042")


def build_queries(sample_text: str, ticket_number: str, total: int = 50) -> list[Query]:
    """Return ``total`` queries (50 by default); numbers come from ``sample_text`` and the DB.

    ``sample_text`` is any generated customer mail (it names an invoice and maybe an order).
    """
    invoice = re.search(r"FAC-\d{4}-\d{5}", sample_text)
    order = re.search(r"PED-\d{5}", sample_text)
    numbers = [*CODES, ticket_number, invoice[0] if invoice else "FAC-2025-00042"]
    numbers.append(order[0] if order else "PED-12345")
    numbers.append("4.2")
    filtered = [
        Query("filter", "factura", {"status": "resolved"}),
        Query("filter", "password", {"assignee": "me"}),
        Query("filter", "VPN", {"status": "open"}),
        Query("filter", "certificado", {"kind": "ticket"}),
        Query("filter", "impresora", {"priority": 2, "status": "closed"}),
        Query("filter", "contraseña", {"kind": "article"}),
    ]
    queries = [Query("word", w) for w in WORDS]
    queries += [Query("phrase", p) for p in PHRASES]
    queries += [Query("accentless", a) for a in ACCENTLESS]
    queries += [Query("typo", t) for t in TYPOS]
    queries += [Query("number", n) for n in numbers]
    queries += filtered
    return queries[:total] if total <= len(queries) else _cycle(queries, total)


def _cycle(queries: list[Query], total: int) -> list[Query]:
    return [queries[i % len(queries)] for i in range(total)]
