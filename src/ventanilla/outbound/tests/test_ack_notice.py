"""The mailbox's service notice goes into acknowledgements while it is in force, in es or en."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import MailboxNotice, MailTemplate, OutboundKind, OutboundMessage
from ventanilla.pipeline.services import inbound_process

pytestmark = pytest.mark.django_db

ES = (
    "Esta semana migramos la herramienta de soporte: si no recibes respuesta, "
    "escribe a urgencias@empresa.es."
)
EN = (
    "We are migrating our support tool this week: if you get no reply, "
    "write to urgencias@empresa.es."
)
ENGLISH_BODY = "Hello,\n\nI cannot log in to the intranet since this morning. Can you help?\n"


def _notice(mailbox, *, start_in: timedelta, end_in: timedelta) -> MailboxNotice:
    now = timezone.now()
    return MailboxNotice.objects.create(
        mailbox=mailbox, text_es=ES, text_en=EN, starts_at=now + start_in, ends_at=now + end_in
    )


def _ack_text(mailbox, raw: bytes) -> str:
    inbound = ingest_raw(raw, source="smtp", envelope_to=[mailbox.address], process=False).inbound
    inbound_process(inbound_id=inbound.pk)
    row = OutboundMessage.objects.filter(kind=OutboundKind.ACK).latest("pk")
    body = message_from_bytes(bytes(row.raw), policy=policy.default).get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _flat(text: str) -> str:
    return " ".join(text.split())  # quoted-printable may fold long lines


def test_an_active_notice_is_in_the_spanish_ack(mailbox, make_mail):
    _notice(mailbox, start_in=-timedelta(hours=1), end_in=timedelta(days=2))
    text = _flat(_ack_text(mailbox, make_mail()))
    assert ES in text
    assert EN not in text
    # It comes before the rest: it is what the customer most needs to read.
    assert text.index(ES) < text.index("Hemos recibido tu solicitud")


def test_an_active_notice_is_in_the_english_ack(mailbox, make_mail):
    _notice(mailbox, start_in=-timedelta(hours=1), end_in=timedelta(days=2))
    text = _flat(_ack_text(mailbox, make_mail(subject="Cannot log in", body=ENGLISH_BODY)))
    assert "We have received your request" in text
    assert EN in text
    assert ES not in text


@pytest.mark.parametrize(
    ("start_in", "end_in"),
    [
        (timedelta(hours=1), timedelta(days=2)),  # not started yet
        (-timedelta(days=2), -timedelta(seconds=1)),  # over
    ],
)
def test_no_notice_outside_its_window(mailbox, make_mail, start_in, end_in):
    _notice(mailbox, start_in=start_in, end_in=end_in)
    text = _flat(_ack_text(mailbox, make_mail()))
    assert ES not in text
    assert EN not in text
    assert "Hemos recibido tu solicitud" in text


def test_a_mailbox_template_without_the_notice_still_carries_it(mailbox, make_mail):
    MailTemplate.objects.create(
        mailbox=mailbox,
        kind="ack",
        language="es",
        subject="Recibido {{ ticket.number }}",
        body="Hola {{ customer_name }}, tenemos tu solicitud {{ ticket.number }}.",
    )
    _notice(mailbox, start_in=-timedelta(hours=1), end_in=timedelta(days=2))
    text = _flat(_ack_text(mailbox, make_mail()))
    assert text.startswith(ES)
    assert "tenemos tu solicitud" in text


def test_a_mailbox_template_may_place_the_notice_itself(mailbox, make_mail):
    MailTemplate.objects.create(
        mailbox=mailbox,
        kind="ack",
        language="es",
        subject="Recibido {{ ticket.number }}",
        body="Hola.\n\nAviso: {{ notice }}\n\nTu número: {{ ticket.number }}",
    )
    _notice(mailbox, start_in=-timedelta(hours=1), end_in=timedelta(days=2))
    text = _flat(_ack_text(mailbox, make_mail()))
    assert text.count(ES) == 1
    assert f"Aviso: {ES}" in text


def test_another_mailboxs_notice_is_not_included(mailbox, make_mail):
    from ventanilla.mail.services import mailbox_create

    other = mailbox_create(name="Facturación", address="facturas@empresa.es", prefix="FAC")
    _notice(other, start_in=-timedelta(hours=1), end_in=timedelta(days=2))
    assert ES not in _flat(_ack_text(mailbox, make_mail()))
