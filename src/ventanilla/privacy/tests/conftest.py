"""A customer with a real history (built by the real pipeline and services) and a neighbour.

Lucía Quintanilla writes twice (one mail with a PDF naming her and a logo), gets an agent's
reply, her ticket is resolved and rated, and she has a portal session; she is also copied on
the ticket of Juan Otero, whose mail carries the same logo, and named in Marta Sanz's mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import pytest

from ventanilla.tickets.models import Ticket

LUCIA = "lucia.quintanilla@cliente.es"
LUCIA_NAME = "Lucía Quintanilla"
JUAN = "juan.otero@otra.es"
JUAN_NAME = "Juan Otero"
LOGO = b"\x89PNG\r\n\x1a\n logo compartido de la empresa " * 10
PDF = "%PDF-1.4 contrato de Lucía Quintanilla, DNI 12345678Z\n".encode() * 20
JUAN_PDF = b"%PDF-1.4 pedido 4471 de Juan Otero\n" * 20


def mail(*, sender: str, subject: str, body: str, message_id: str, files=(), cc: str = "") -> bytes:
    """One mail to the support mailbox, with attachments ``(name, bytes, type)``."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "soporte@empresa.es"
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Tue, 24 Nov 2026 09:30:00 +0000"
    msg.set_content(body)
    for name, content, kind in files:
        main, sub = kind.split("/")
        msg.add_attachment(content, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


@dataclass
class History:
    """The two customers' tickets."""

    lucia: Ticket
    lucia_second: Ticket
    juan: Ticket


@pytest.fixture
def history(deliver, make_agent, django_capture_on_commit_callbacks) -> History:
    """Build both customers' history through the real services."""
    from ventanilla.portal.sessions import portal_session_start
    from ventanilla.tickets.lifecycle import ticket_resolve
    from ventanilla.tickets.replies import ticket_reply
    from ventanilla.tickets.satisfaction import ticket_rate

    agent = make_agent("ana", role="supervisor")
    who = f"{LUCIA_NAME} <{LUCIA}>"

    def arrive(raw: bytes) -> Ticket:
        with django_capture_on_commit_callbacks(execute=True):
            inbound = deliver(raw)
        inbound.refresh_from_db()
        return Ticket.objects.get(pk=inbound.ticket_id)

    lucia = arrive(
        mail(
            sender=who,
            subject="Contrato de Lucía Quintanilla",
            body=f"Hola, soy {LUCIA_NAME} ({LUCIA}); adjunto el contrato.\nTel 600 111 222",
            message_id="<contrato@cliente.es>",
            files=[("contrato.pdf", PDF, "application/pdf"), ("logo.png", LOGO, "image/png")],
        )
    )
    second = arrive(
        mail(sender=who, subject="Otra duda", body="Otra pregunta.", message_id="<d2@c.es>")
    )
    juan = arrive(
        mail(
            sender=f"{JUAN_NAME} <{JUAN}>",
            subject="Pedido 4471",
            body="Mi pedido no llega.",
            message_id="<pedido@otra.es>",
            cc=who,
            files=[("logo.png", LOGO, "image/png"), ("pedido.pdf", JUAN_PDF, "application/pdf")],
        )
    )
    # A third customer names her in his own words (no Cc): found through the search index.
    arrive(
        mail(
            sender="Marta Sanz <marta@tercera.es>",
            subject=f"Consulta sobre {LUCIA_NAME}",
            body=f"Me lo recomendó mi compañera {LUCIA_NAME}.",
            message_id="<marta@tercera.es>",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=lucia, author=agent, text=f"Hola {LUCIA_NAME}, lo miramos.")
        ticket_resolve(ticket=lucia, actor=agent, note=f"Contrato de {LUCIA_NAME} corregido.")
        lucia.refresh_from_db()
        ticket_rate(ticket=lucia, rating="good", comment=f"Gracias, {LUCIA_NAME}")
        portal_session_start(customer=lucia.customer)
    return History(
        lucia=Ticket.objects.get(pk=lucia.pk),
        lucia_second=Ticket.objects.get(pk=second.pk),
        juan=Ticket.objects.get(pk=juan.pk),
    )


@pytest.fixture(autouse=True)
def _own_blob_dir(settings, tmp_path):
    """Each test its own blob store, so the blob scan sees only what the test stored."""
    settings.VENTANILLA_BLOB_DIR = tmp_path / "blobs"
    blobs = {**settings.STORAGES["blobs"], "OPTIONS": {"location": tmp_path / "blobs"}}
    settings.STORAGES = {**settings.STORAGES, "blobs": blobs}
