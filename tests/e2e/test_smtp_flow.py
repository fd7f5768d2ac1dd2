"""End to end over the network: a customer's SMTP client → our listener → ticket → ack at the relay.

huey runs in immediate mode under test, so processing and the acknowledgement happen inside
the DATA handling (after commit), before our ``250`` reaches the client.
"""

from __future__ import annotations

import re
import smtplib
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.tickets.models import ArticleKind, Ticket

from .conftest import crlf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUEUED_RE = re.compile(r"2\.0\.0 Ok: queued as (\d+)")
NUMBER_RE = re.compile(r"SOP-\d{4}-\d{5,}")


def _inbound(reply: str) -> InboundMessage:
    match = QUEUED_RE.fullmatch(reply)
    assert match, reply
    return InboundMessage.objects.get(pk=int(match[1]))


def _plain(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _open_ticket(client, relay, make_mail):
    """Lucía writes in; return her ticket and the acknowledgement the relay received."""
    client.send(make_mail(message_id="<first@cliente.es>"))
    ticket = Ticket.objects.get()
    messages = relay.wait_for(1)
    assert len(messages) == 1, "exactly one acknowledgement expected"
    return ticket, messages[0][1]


@contextmanager
def _table_unavailable(table: str):
    """Rename ``table`` away for real (committed DDL), so other connections fail on it."""
    quoted = connection.ops.quote_name(table)
    away = connection.ops.quote_name(f"{table}_away")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quoted} RENAME TO {away}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {away} RENAME TO {quoted}")


def test_unknown_recipient_is_refused_during_the_session(client, mailbox, make_mail):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.send(make_mail(to="nadie@empresa.es"), rcpt="nadie@empresa.es")
    code, reply = refused.value.recipients["nadie@empresa.es"]
    assert code == 550
    assert reply.startswith(b"5.1.1 <nadie@empresa.es>")
    assert not InboundMessage.objects.exists()


def test_only_known_recipients_are_accepted(client, mailbox, make_mail):
    with client.connect() as smtp:
        refused = smtp.sendmail(
            "lucia@cliente.es", ["nadie@empresa.es", "SOPORTE@empresa.es"], crlf(make_mail())
        )
    assert refused == {"nadie@empresa.es": (550, b"5.1.1 <nadie@empresa.es>: mailbox unavailable")}
    assert InboundMessage.objects.get().envelope_to == ["SOPORTE@empresa.es"]


def test_customer_mail_becomes_a_ticket(client, relay, mailbox, make_mail):
    raw = make_mail(message_id="<first@cliente.es>")
    before = timezone.now()
    inbound = _inbound(client.send(raw))
    after = timezone.now()
    # The exact bytes as they crossed the wire are kept.
    assert bytes(inbound.raw) == crlf(raw)
    assert inbound.source == "smtp"
    assert inbound.envelope_from == "lucia@cliente.es"
    assert inbound.state == InboundState.PROCESSED, inbound.error
    ticket = Ticket.objects.get()
    assert NUMBER_RE.fullmatch(ticket.number)
    assert ticket.customer.email == "lucia@cliente.es"
    assert ticket.customer.name == "Lucía Pérez"
    assert ticket.subject == "No puedo acceder a la intranet"
    assert before <= ticket.received_at <= after
    article = ticket.articles.get()
    assert article.message_id.strip("<>") == "first@cliente.es"
    assert "no puedo acceder a la intranet" in article.text


def test_acknowledgement_reaches_the_relay(client, relay, mailbox, make_mail):
    ticket, ack = _open_ticket(client, relay, make_mail)
    recipients = relay.messages()[0][0]
    assert recipients == ["lucia@cliente.es"]
    # RFC 3834 §5: mark it automatic so other robots do not answer it; Outlook's own header too.
    assert str(ack["Auto-Submitted"]) == "auto-replied"
    assert str(ack["X-Auto-Response-Suppress"]) == "All"
    assert str(ack["In-Reply-To"]) == "<first@cliente.es>"
    assert "<first@cliente.es>" in str(ack["References"])
    assert ticket_number_from_message_id(str(ack["Message-ID"])) == ticket.number
    assert ticket.number in str(ack["Subject"])
    body = _plain(ack)
    assert ticket.number in body
    assert ticket.subject in body
    assert "incidencias@empresa.es" in body


def test_english_mail_gets_an_english_acknowledgement(client, relay, mailbox, make_mail):
    from lingua import Language, LanguageDetectorBuilder

    client.send(
        make_mail(
            sender="John Smith <john@client.com>",
            subject="Cannot log in to the intranet",
            body="Hello,\n\nSince this morning I cannot log in to the intranet. "
            "Could you please help me?\n\nThanks,\nJohn\n",
        )
    )
    ticket = Ticket.objects.get()
    assert ticket.language == "en"
    [(_, ack)] = relay.wait_for(1)
    text = _plain(ack).replace(ticket.subject, "").replace(ticket.number, "")
    detector = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()
    assert detector.detect_language_of(text) == Language.ENGLISH, text


def test_reply_to_the_acknowledgement_threads_without_a_number(client, relay, mailbox, make_mail):
    ticket, ack = _open_ticket(client, relay, make_mail)
    client.send(
        make_mail(
            subject="Re: otra cosa distinta",
            body="Ya he reiniciado el ordenador y sigue igual.\n",
            in_reply_to=str(ack["Message-ID"]),
            references=f"<first@cliente.es> {ack['Message-ID']}",
        )
    )
    assert Ticket.objects.count() == 1
    assert ticket.articles.filter(kind=ArticleKind.MAIL).count() == 2


def test_number_in_subject_threads_for_the_same_customer(client, relay, mailbox, make_mail):
    ticket, _ = _open_ticket(client, relay, make_mail)
    client.send(make_mail(subject=f"Más datos sobre {ticket.number}", body="Adjunto captura.\n"))
    assert Ticket.objects.count() == 1
    assert ticket.articles.count() == 2


def test_a_stranger_quoting_a_number_gets_a_new_ticket(client, relay, mailbox, make_mail):
    ticket, _ = _open_ticket(client, relay, make_mail)
    client.send(
        make_mail(
            sender="Pedro Gil <pedro@otra.es>",
            subject=f"Sobre el ticket {ticket.number}",
            body="Quiero ver los datos de ese ticket.\n",
        )
    )
    assert Ticket.objects.count() == 2
    assert ticket.articles.count() == 1
    assert Ticket.objects.exclude(pk=ticket.pk).get().customer.email == "pedro@otra.es"


def test_auto_reply_to_the_ack_is_kept_but_not_answered(client, relay, mailbox, make_mail):
    ticket, ack = _open_ticket(client, relay, make_mail)
    status = ticket.status
    client.send(
        make_mail(
            subject=f"Respuesta automática: {ack['Subject']}",
            body="Estoy fuera de la oficina hasta el lunes.\n",
            in_reply_to=str(ack["Message-ID"]),
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert Ticket.objects.count() == 1
    assert ticket.articles.filter(kind=ArticleKind.AUTO_REPLY).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == status
    assert len(relay.wait_for(2, timeout=1.0)) == 1, "no acknowledgement to an auto-reply"


def test_storage_failure_answers_451_and_the_retry_is_stored(client, relay, mailbox, make_mail):
    raw = make_mail()
    table = InboundMessage._meta.db_table
    with _table_unavailable(table), pytest.raises(smtplib.SMTPDataError) as failed:
        client.send(raw)
    assert failed.value.smtp_code == 451
    assert failed.value.smtp_error == b"4.3.0 Temporary failure, please retry"
    assert not InboundMessage.objects.exists()
    # The client kept the message and retries: now it is stored, once.
    inbound = _inbound(client.send(raw))
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert Ticket.objects.count() == 1


def test_recipient_check_failure_answers_451(client, mailbox, make_mail):
    from ventanilla.mail.models import Mailbox

    table = Mailbox._meta.db_table
    with _table_unavailable(table), pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.send(make_mail())
    code, reply = refused.value.recipients["soporte@empresa.es"]
    assert code == 451
    assert reply.startswith(b"4.3.0")


def test_oversized_message_is_refused(settings, mailbox, make_mail):
    settings.VENTANILLA_MAX_MESSAGE_BYTES = 2000
    listener = start_smtp_listener("127.0.0.1", 0)
    try:
        with smtplib.SMTP("127.0.0.1", listener.port, timeout=30) as smtp:
            smtp.ehlo()
            assert smtp.esmtp_features["size"] == "2000"
            smtp.mail("lucia@cliente.es")
            smtp.rcpt("soporte@empresa.es")
            code, _ = smtp.data(crlf(make_mail(body="x\n" * 2500)))
    finally:
        listener.stop()
    assert code == 552
    assert not InboundMessage.objects.exists()


def test_too_many_sessions_get_421(mailbox):
    listener = start_smtp_listener("127.0.0.1", 0, max_sessions=1)
    try:
        with smtplib.SMTP("127.0.0.1", listener.port, timeout=30) as first:
            assert first.noop()[0] == 250
            with pytest.raises(smtplib.SMTPConnectError) as busy:
                smtplib.SMTP("127.0.0.1", listener.port, timeout=30)
            assert busy.value.smtp_code == 421
        # Once the first session has ended (the server notices it just after QUIT), a new
        # one is served again.
        deadline = time.monotonic() + 5
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", listener.port, timeout=30) as again:
                    assert again.noop()[0] == 250
                break
            except smtplib.SMTPConnectError:
                assert time.monotonic() < deadline, "the freed session slot was never reused"
                time.sleep(0.05)
    finally:
        listener.stop()
