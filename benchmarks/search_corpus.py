"""Deterministic es/en support text for the search benchmark: tickets, replies, notes, articles.

A vocabulary of products, problems, error codes, people and companies is combined by a seeded
``random.Random`` into subjects and message bodies that read like a helpdesk's: a customer's
mail, the agent's answer, the customer's follow-up or an internal note, and for resolved
tickets a resolution note. The same seed gives the same corpus, byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PRODUCTS_ES = (
    "el ERP",
    "la VPN",
    "la facturación electrónica",
    "la aplicación móvil",
    "el portal de clientes",
    "la impresora de recepción",
    "el correo corporativo",
    "el módulo de nóminas",
    "el TPV",
    "el CRM",
    "la centralita",
    "el escáner de albaranes",
    "la intranet",
    "el almacén",
    "la sincronización del calendario",
    "la firma digital",
    "el certificado SSL",
    "la copia de seguridad",
    "el servidor de ficheros",
    "la exportación a Excel",
)
PRODUCTS_EN = (
    "the ERP",
    "the VPN",
    "e-invoicing",
    "the mobile app",
    "the customer portal",
    "the front-desk printer",
    "corporate email",
    "the payroll module",
    "the POS terminal",
    "the CRM",
    "the phone system",
    "the delivery-note scanner",
    "the intranet",
    "the warehouse",
    "calendar sync",
    "digital signature",
    "the SSL certificate",
    "the backup",
    "the file server",
    "the Excel export",
)
PROBLEMS_ES = (
    "no funciona desde esta mañana",
    "da un error {code} al entrar",
    "va muy lento",
    "no deja iniciar sesión",
    "se cierra sola al abrir un informe",
    "no envía las facturas",
    "muestra datos duplicados",
    "pide la contraseña una y otra vez",
    "no imprime en color",
    "no sincroniza con el móvil",
    "ha caducado",
    "rechaza el certificado",
    "no encuentra el pedido {order}",
    "calcula mal el IVA",
    "no carga el logotipo",
)
PROBLEMS_EN = (
    "has not worked since this morning",
    "shows error {code} at login",
    "is very slow",
    "will not let me sign in",
    "crashes when opening a report",
    "does not send invoices",
    "shows duplicated records",
    "keeps asking for the password",
    "prints only in black",
    "does not sync with my phone",
    "has expired",
    "rejects the certificate",
    "cannot find order {order}",
    "computes VAT wrongly",
    "does not load the logo",
)
FIXES_ES = (
    "Hemos reiniciado el servicio y vuelve a funcionar.",
    "Era la caché del navegador: al borrarla se soluciona.",
    "Hemos renovado el certificado y ya no aparece el aviso.",
    "Faltaba un permiso en su usuario; ya está añadido.",
    "Actualizamos a la versión 4.2, que corrige el fallo.",
    "El pedido estaba en otra serie; lo hemos movido.",
    "Se ha corregido el tipo de IVA en la ficha del cliente.",
    "Hemos restablecido la contraseña y enviado un enlace nuevo.",
)
FIXES_EN = (
    "We restarted the service and it works again.",
    "It was the browser cache: clearing it fixes it.",
    "We renewed the certificate and the warning is gone.",
    "Your user lacked a permission; it has been added.",
    "We upgraded to version 4.2, which fixes the bug.",
    "The order was in another series; we moved it.",
    "The VAT rate on the customer record has been corrected.",
    "We reset the password and sent a new link.",
)
FIRST_NAMES = (
    "Ana",
    "Lucía",
    "Pedro",
    "Carmen",
    "Javier",
    "Marta",
    "José",
    "Elena",
    "Íñigo",
    "Begoña",
    "John",
    "Sarah",
    "Emily",
    "David",
    "Olivia",
    "James",
    "Chloe",
    "Peter",
    "Nuria",
    "Álvaro",
)
LAST_NAMES = (
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Fernández",
    "Ruiz",
    "Muñoz",
    "Díaz",
    "Carter",
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Ibáñez",
    "Castaño",
)
COMPANIES = (
    "clinicasol",
    "northwind",
    "ferreteriamartin",
    "brightlabs",
    "gestoriaruiz",
    "acme",
    "panaderiaelsol",
    "contoso",
    "talleresnorte",
    "bodegasrioja",
    "fabrikam",
    "opticaluz",
)
CODES = ("500", "502", "503", "404", "401", "403", "0x80070005", "E-1042", "ORA-12541", "SSL-17")
GREETINGS_ES = ("Hola", "Buenos días", "Buenas tardes", "Hola equipo")
GREETINGS_EN = ("Hi", "Hello", "Good morning", "Dear support")
# Words of the vocabulary the query set is drawn from (each occurs in the corpus).
QUERY_WORDS = (
    "factura",
    "contraseña",
    "certificado",
    "impresora",
    "nóminas",
    "sincroniza",
    "lento",
    "invoice",
    "password",
    "certificate",
    "printer",
    "payroll",
    "slow",
    "VPN",
    "ERP",
)


@dataclass(frozen=True)
class Message:
    """One article of a generated ticket: direction, kind and text."""

    direction: str  # "in" or "out"
    kind: str  # "mail" or "note"
    text: str


@dataclass(frozen=True)
class GeneratedTicket:
    """One generated ticket: its language, subject, messages and resolution note ("" if open)."""

    language: str
    subject: str
    customer: int
    messages: tuple[Message, ...]
    resolution_note: str
    status: str


STATUSES = ("new",) * 8 + ("open",) * 15 + ("pending",) * 7 + ("resolved",) * 20
STATUSES += ("closed",) * 50


def _fill(rng: random.Random, template: str) -> str:
    return template.format(code=rng.choice(CODES), order=f"PED-{rng.randint(10000, 99999)}")


def generate_ticket(rng: random.Random, customers: int, articles: int = 3) -> GeneratedTicket:
    """Return one ticket (es two times in three) with ``articles`` messages."""
    spanish = rng.random() < 0.66
    index = rng.randrange(len(PRODUCTS_ES))
    problem_index = rng.randrange(len(PROBLEMS_ES))
    fix = rng.randrange(len(FIXES_ES))
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    invoice = f"FAC-{rng.randint(2023, 2026)}-{rng.randint(1, 99999):05d}"
    if spanish:
        product, problem = PRODUCTS_ES[index], _fill(rng, PROBLEMS_ES[problem_index])
        subject = f"{product[0].upper()}{product[1:]} {problem}"
        first = (
            f"{rng.choice(GREETINGS_ES)}:\n\nOs escribo porque {product} {problem}. "
            f"Afecta a la factura {invoice} y a varios compañeros de la oficina. "
            f"¿Podéis revisarlo, por favor?\n\nUn saludo,\n{name}"
        )
        reply = (
            f"Hola {name.split()[0]}:\n\nGracias por avisar. Estamos revisando {product}. "
            f"{FIXES_ES[fix]} ¿Nos confirmas si sigue ocurriendo?\n\nSoporte"
        )
        follow = f"Sigue igual con la factura {invoice}, os adjunto captura. {name}"
        note = (
            f"Nota interna: revisar los registros de {product}, posible fallo {rng.choice(CODES)}."
        )
        resolution = f"Resuelto: {FIXES_ES[fix]}"
    else:
        product, problem = PRODUCTS_EN[index], _fill(rng, PROBLEMS_EN[problem_index])
        subject = f"{product[0].upper()}{product[1:]} {problem}"
        first = (
            f"{rng.choice(GREETINGS_EN)},\n\nI am writing because {product} {problem}. "
            f"It affects invoice {invoice} and several colleagues in the office. "
            f"Could you please look into it?\n\nRegards,\n{name}"
        )
        reply = (
            f"Hi {name.split()[0]},\n\nThanks for letting us know. We are looking at {product}. "
            f"{FIXES_EN[fix]} Could you confirm whether it still happens?\n\nSupport"
        )
        follow = f"Still the same with invoice {invoice}, screenshot attached. {name}"
        note = f"Internal note: check the logs of {product}, possible error {rng.choice(CODES)}."
        resolution = f"Resolved: {FIXES_EN[fix]}"
    pool = [Message("in", "mail", first), Message("out", "mail", reply)]
    pool.append(
        Message("in", "mail", follow) if rng.random() < 0.7 else Message("out", "note", note)
    )
    while len(pool) < articles:
        pool.append(Message("in", "mail", follow))
    status = rng.choice(STATUSES)
    return GeneratedTicket(
        language="es" if spanish else "en",
        subject=subject,
        customer=rng.randrange(customers),
        messages=tuple(pool[:articles]),
        resolution_note=resolution if status in {"resolved", "closed"} else "",
        status=status,
    )


def customer_identity(index: int) -> tuple[str, str]:
    """(name, address) of generated customer ``index``; deterministic, unique addresses."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    company = COMPANIES[index % len(COMPANIES)]
    return f"{first} {last}", f"cliente{index}@{company}.example"


def knowledge_article(rng: random.Random, index: int) -> tuple[str, str, str]:
    """(language, title, Markdown body) of a generated knowledge article."""
    product_index = index % len(PRODUCTS_ES)
    fix = FIXES_ES[index % len(FIXES_ES)]
    if index % 3:
        product = PRODUCTS_ES[product_index]
        problem = _fill(rng, PROBLEMS_ES[rng.randrange(len(PROBLEMS_ES))])
        title = f"Qué hacer si {product} {problem} ({index})"
        body = f"## Síntomas\n\n{product} {problem}.\n\n## Solución\n\n{fix}\n"
        return "es", title, body
    product = PRODUCTS_EN[product_index]
    problem = _fill(rng, PROBLEMS_EN[rng.randrange(len(PROBLEMS_EN))])
    title = f"What to do when {product} {problem} ({index})"
    body = f"## Symptoms\n\n{product} {problem}.\n\n## Fix\n\n{FIXES_EN[index % len(FIXES_EN)]}\n"
    return "en", title, body
