"""No single header value can quarantine a message: each becomes a normal ticket.

Dates are bounded (``core.dates`` through the ``date`` step and ``article_add``), and every
other header value that lands in a bounded column fits it. SQLite does not enforce
``max_length`` but PostgreSQL raises on an over-long varchar (a ``DatabaseError``, which
leaves the message ``received`` for retries until the sweep gives up), so these tests are
meaningful on both backends and are run on both.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import models
from django.utils import timezone

from ventanilla.customers.models import Customer
from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.pipeline.services import inbound_process, inbound_quarantine, inbound_requeue
from ventanilla.tickets.models import Article, Attachment, Participant, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

ABSURD_DATES = [
    "Fri, 31 Dec 9999 23:59:59 -0500",  # year 10000 in UTC: OverflowError
    "Fri, 31 Dec 9999 23:59:59 +0500",  # fits Python, but absurd (and PostgreSQL 10K limits)
    "Mon, 1 Jan 100 00:30:00 +0100",  # year 100
    "Sat, 1 Jan 1900 00:00:00 +0000",
    "Tue, 24 Nov 2026 09:30:00 +9999",  # an offset the stdlib refuses
    "Tue, 24 Nov 2026 09:30:00 +2359",  # an offset PostgreSQL refuses
    "el martes por la tarde",
]


def with_header(raw: bytes, name: str, value: bytes | str) -> bytes:
    """Return ``raw`` with every ``name`` header replaced by one raw ``name: value`` line."""
    head, body = raw.split(b"\n\n", 1)
    prefix = name.lower().encode() + b":"
    lines = [line for line in head.split(b"\n") if not line.lower().startswith(prefix)]
    data = value.encode() if isinstance(value, str) else value
    return b"\n".join([*lines, name.encode() + b": " + data]) + b"\n\n" + body


def _fits_every_column(*rows: models.Model) -> None:
    """Every string in a bounded column is within its max_length (what PostgreSQL enforces)."""
    for row in rows:
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if field.max_length and isinstance(value, str):
                assert len(value) <= field.max_length, (type(row).__name__, field.name)


def _normal_ticket(inbound: InboundMessage) -> Article:
    assert inbound.state == InboundState.PROCESSED, inbound.error[-2000:]
    ticket = Ticket.objects.get()
    [article] = Article.objects.filter(inbound=inbound)
    _fits_every_column(inbound, ticket, article, ticket.customer)
    return article


@pytest.mark.parametrize("date", ABSURD_DATES)
def test_absurd_date_becomes_the_received_time(deliver, make_mail, date):
    raw = with_header(make_mail(), "Date", date)
    inbound = deliver(raw)
    article = _normal_ticket(inbound)
    assert article.sent_at == inbound.received_at
    # The original is kept: in the raw bytes, and quoted in the reasons.
    assert f"Date: {date}".encode() in bytes(inbound.raw)
    assert any(date[:20] in reason and "implausible Date" in reason for reason in inbound.reasons)
    assert Ticket.objects.get().number.startswith(f"SOP-{timezone.now().year}-")


def test_plausible_date_is_kept(deliver, make_mail):
    raw = with_header(make_mail(), "Date", "Tue, 24 Nov 2026 10:30:00 +0100")
    inbound = deliver(raw)
    article = _normal_ticket(inbound)
    assert article.sent_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert not any("Date" in reason for reason in inbound.reasons)


@pytest.mark.parametrize("date", ["Mon, 1 Jan 100 00:30:00 +0100", ABSURD_DATES[0]])
def test_imported_mail_with_absurd_date_is_numbered_in_its_import_year(deliver, make_mail, date):
    """An import dates its ticket by the mail's Date, so this path must be bounded too."""
    inbound = deliver(with_header(make_mail(), "Date", date), send_ack=False, source="import")
    _normal_ticket(inbound)
    ticket = Ticket.objects.get()
    assert ticket.received_at == inbound.received_at
    assert ticket.number.startswith(f"SOP-{timezone.now().year}-")


def test_quarantined_message_with_absurd_date_reprocesses(mailbox, make_mail):
    """A message quarantined by the old OverflowError goes through once requeued."""
    raw = with_header(make_mail(), "Date", ABSURD_DATES[0])
    inbound = ingest_raw(raw, source="smtp", envelope_to=[mailbox.address], process=False).inbound
    inbound_quarantine(inbound_id=inbound.pk, error="OverflowError: date value out of range")
    assert inbound_requeue(inbound_id=inbound.pk)
    assert inbound_process(inbound_id=inbound.pk) == InboundState.PROCESSED
    inbound.refresh_from_db()
    assert _normal_ticket(inbound).sent_at == inbound.received_at


def test_huge_subject(deliver, make_mail):
    inbound = deliver(make_mail(subject="Ayuda " * 2000))
    article = _normal_ticket(inbound)
    assert article.subject.startswith("Ayuda Ayuda")


def test_huge_message_id_and_references(deliver, make_mail):
    huge = "<" + "a" * 5000 + "@cliente.es>"
    raw = with_header(make_mail(), "Message-ID", huge)
    raw = with_header(raw, "In-Reply-To", "<" + "b" * 5000 + "@x>")
    raw = with_header(raw, "References", " ".join(f"<{n}{'c' * 990}@x>" for n in range(150)))
    inbound = deliver(raw)
    article = _normal_ticket(inbound)
    assert article.message_id.startswith("aaaa")
    # The same huge Message-ID again (another relay's copy) is still recognised.
    again = deliver(with_header(raw, "Received", "from mx2.example by mx.empresa.es"))
    assert again.state == InboundState.DUPLICATE


def test_addresses_that_grow_when_lowercased(deliver, make_mail):
    """U+0130 lowercases to two characters: a 310-character address would become 610."""
    long_local = "İ" * 300
    raw = with_header(make_mail(), "Cc", f"{long_local}@cliente.es, Ana <ana@cliente.es>")
    raw = with_header(raw, "Reply-To", f"{long_local}@otro.es")
    inbound = deliver(raw)
    _normal_ticket(inbound)
    for row in [*Participant.objects.all(), *Customer.objects.all()]:
        _fits_every_column(row)
    assert set(Participant.objects.values_list("email", flat=True)) >= {"ana@cliente.es"}


def test_huge_display_names(deliver, make_mail):
    name = "İ" * 5000
    raw = with_header(make_mail(), "From", f'"{name}" <lucia@cliente.es>'.encode())
    raw = with_header(raw, "Cc", f'"{name}" <ana@cliente.es>'.encode())
    inbound = deliver(raw)
    _normal_ticket(inbound)
    _fits_every_column(*Participant.objects.all(), *Customer.objects.all())


def test_huge_attachment_name_type_and_id(deliver, make_mail):
    from email import message_from_bytes, policy

    message = message_from_bytes(make_mail(), policy=policy.default)
    message.add_attachment(
        b"%PDF-1.4 factura", maintype="application", subtype="pdf", filename="f" * 3000 + ".pdf"
    )
    part = next(p for p in message.iter_attachments())
    part.replace_header("Content-Type", "application/" + "x" * 3000)
    part["Content-ID"] = "<" + "i" * 3000 + "@x>"
    inbound = deliver(message.as_bytes())
    article = _normal_ticket(inbound)
    [attachment] = Attachment.objects.filter(article=article)
    _fits_every_column(attachment)
    assert attachment.filename.endswith(".pdf")
