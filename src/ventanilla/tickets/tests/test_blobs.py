"""The blob store through Django's storage API, and blobs rebuilt from the raw mail.

A second directory stands for a second host's store: a host whose store lacks a blob (a
shared mount that was not mounted yet, a copy that was never made) or holds a damaged copy
parses it out of the mail in the database again.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from ventanilla.core.storage import AtomicFileSystemStorage
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.blobs import blob_get, blob_name, blob_path, blob_put, blob_rebuild
from ventanilla.tickets.models import Attachment, Ticket
from ventanilla.tickets.replies import ticket_reply

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64
STORAGE = "ventanilla.core.storage.AtomicFileSystemStorage"


@pytest.fixture
def host(settings, tmp_path):
    """Point the blob store at a directory of its own; return ``use(name) -> directory``."""

    def use(name: str):
        directory = tmp_path / name
        settings.STORAGES = {
            **settings.STORAGES,
            "blobs": {"BACKEND": STORAGE, "OPTIONS": {"location": directory}},
        }
        return directory

    use("host-a")
    return use


def _mail_with_pdf() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Lucía <lucia@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = "Adjunto la factura"
    msg["Message-ID"] = "<blob-rebuild@cliente.es>"
    msg.set_content("Adjunto la factura.")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="factura.pdf")
    return msg.as_bytes()


def test_a_blob_is_stored_once_under_its_digest(host, tmp_path):
    digest = blob_put(b"logo")
    assert digest == hashlib.sha256(b"logo").hexdigest()
    assert blob_name(digest) == f"{digest[:2]}/{digest[2:4]}/{digest}"
    path = tmp_path / "host-a" / blob_name(digest)
    assert blob_path(digest) == path
    assert path.read_bytes() == b"logo"
    written = path.stat().st_mtime_ns
    assert blob_put(b"logo") == digest
    assert path.stat().st_mtime_ns == written  # not written again
    assert blob_get(digest) == b"logo"


def test_the_storage_replaces_a_name_in_place_and_leaves_no_temporary_file(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    assert storage.save("ab/cd/x", ContentFile(b"one")) == "ab/cd/x"
    # Two hosts storing the same content-addressed name: still one file, never "x_Ab3xYz1".
    assert storage.save("ab/cd/x", ContentFile(b"one")) == "ab/cd/x"
    assert [p.name for p in (tmp_path / "ab" / "cd").iterdir()] == ["x"]
    assert storage.open("ab/cd/x").read() == b"one"


@pytest.mark.django_db(transaction=True)
def test_a_host_without_the_blob_rebuilds_it_from_the_inbound_mail(host, deliver):
    inbound = deliver(_mail_with_pdf(), send_ack=False)
    assert inbound.state == "processed", inbound.error
    pdf = Attachment.objects.get(content_type="application/pdf")
    other = host("host-b")  # another host: an empty store
    assert not (other / blob_name(pdf.sha256)).exists()
    assert blob_get(pdf.sha256) == PDF
    assert (other / blob_name(pdf.sha256)).read_bytes() == PDF


@pytest.mark.django_db(transaction=True)
def test_a_damaged_blob_is_replaced_by_the_one_in_the_mail(host, deliver):
    deliver(_mail_with_pdf(), send_ack=False)
    pdf = Attachment.objects.get(content_type="application/pdf")
    path = blob_path(pdf.sha256)
    path.write_bytes(PDF[: len(PDF) // 2])  # a copy cut short
    assert blob_get(pdf.sha256) == PDF
    assert path.read_bytes() == PDF


@pytest.mark.django_db(transaction=True)
def test_a_file_an_agent_sent_is_rebuilt_from_the_outgoing_mail(
    host, deliver, make_mail, make_agent, team
):
    inbound = deliver(make_mail())
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    agent = make_agent("ana", teams=[team])
    article = ticket_reply(
        ticket=ticket,
        author=agent,
        text="Le adjunto el informe.",
        attachments=[SimpleUploadedFile("informe.pdf", PDF, "application/pdf")],
    )
    [sent] = article.attachments.all()
    assert OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    host("host-b")
    assert blob_get(sent.sha256) == PDF


@pytest.mark.django_db
def test_a_blob_no_mail_carries_is_missing(host):
    digest = hashlib.sha256(b"nowhere").hexdigest()
    assert blob_rebuild(digest) is False
    with pytest.raises(FileNotFoundError, match=digest):
        blob_get(digest)
