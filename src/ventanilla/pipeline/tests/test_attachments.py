"""The attachments step: files and inline images stored with name, type, size, sha256, CID."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage

import pytest

from ventanilla.tickets.blobs import blob_get
from ventanilla.tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300


def _mail_with_files() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Lucía <lucia@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = "Adjunto la factura"
    msg["Message-ID"] = "<att@cliente.es>"
    msg.set_content("Adjunto la factura y una captura.")
    msg.add_alternative('<p>Mira: <img src="cid:captura1@cliente.es"></p>', subtype="html")
    html_part = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
    html_part.add_related(
        PNG, maintype="image", subtype="png", cid="<captura1@cliente.es>", filename="captura.png"
    )
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="Factura año.pdf")
    return msg.as_bytes()


def test_attachments_are_stored(deliver):
    inbound = deliver(_mail_with_files(), send_ack=False)
    assert inbound.state == "processed", inbound.error
    pdf = Attachment.objects.get(content_type="application/pdf")
    assert pdf.filename == "Factura año.pdf"
    assert pdf.size == len(PDF)
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    assert blob_get(pdf.sha256) == PDF
    image = Attachment.objects.get(content_type="image/png")
    assert image.content_id == "captura1@cliente.es"
    assert blob_get(image.sha256) == PNG


def test_same_file_twice_is_stored_once(deliver, make_mail):
    deliver(_mail_with_files(), send_ack=False)
    again = _mail_with_files().replace(b"<att@cliente.es>", b"<att2@cliente.es>")
    deliver(again, send_ack=False)
    shas = list(
        Attachment.objects.filter(content_type="application/pdf").values_list("sha256", flat=True)
    )
    assert len(shas) == 2
    assert len(set(shas)) == 1
