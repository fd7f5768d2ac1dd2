"""The deduplicate step: the same Message-ID from the same sender is a duplicate."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import InboundState
from ventanilla.tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_message_id_same_sender_is_duplicate(deliver, make_mail):
    first = deliver(make_mail(message_id="<dup@cliente.es>"), send_ack=False)
    # Different bytes (another relay added a header), same message.
    second = deliver(
        make_mail(message_id="<dup@cliente.es>", headers={"X-Relay": "2"}), send_ack=False
    )
    assert first.state == InboundState.PROCESSED
    assert second.state == InboundState.DUPLICATE
    assert f"inbound #{first.pk}" in " ".join(second.reasons)
    assert Ticket.objects.count() == 1
    assert Article.objects.count() == 1


def test_same_message_id_other_sender_is_not_duplicate(deliver, make_mail):
    deliver(make_mail(message_id="<same@x>"), send_ack=False)
    other = deliver(make_mail(message_id="<same@x>", sender="otro@cliente.es"), send_ack=False)
    assert other.state == InboundState.PROCESSED
    assert Ticket.objects.count() == 2


def test_identical_bytes_are_stored_once(deliver, make_mail):
    raw = make_mail(message_id="<once@cliente.es>")
    first = deliver(raw, send_ack=False)
    again = deliver(raw, send_ack=False)
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1


TRANSPORT = (
    b"Return-Path: <lucia@cliente.es>\n"
    b"Delivered-To: soporte@empresa.es\n"
    b"X-Original-To: soporte@empresa.es\n"
    b"Received: from mx2.cliente.es (mx2.cliente.es [192.0.2.7])\n"
    b"\tby mx.empresa.es with ESMTPS id 4F2; Tue, 24 Nov 2026 09:30:05 +0000\n"
    b"Authentication-Results: mx.empresa.es; dkim=pass header.d=cliente.es\n"
    b"ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=cliente.es; s=s1; b=AbC=\n"
    b"DKIM-Signature: v=1; a=rsa-sha256; d=cliente.es; s=s1; bh=x=; b=y=\n"
    b"X-Spam-Status: No, score=-0.1\n"
)


def test_copy_with_other_transport_headers_and_line_endings_is_duplicate(deliver, make_mail):
    raw = make_mail(message_id="<viaje@cliente.es>")
    first = deliver(raw, send_ack=False)
    # Another path: trace, delivery and verdict headers added, CRLF instead of LF, the
    # Subject refolded by a relay (RFC 5322 §2.2.3), a trailing empty line added.
    head, body = raw.split(b"\n\n", 1)
    head = head.replace(b"Subject: No puedo", b"Subject: No\n  puedo")
    copy = (TRANSPORT + head + b"\n\n" + body + b"\n").replace(b"\n", b"\r\n")
    second = deliver(copy, send_ack=False)
    assert second.state == InboundState.DUPLICATE
    assert f"inbound #{first.pk}" in " ".join(second.reasons)
    assert second.content_sha256 == first.content_sha256 != ""
    assert Article.objects.count() == 1


def test_same_message_id_other_body_is_an_article_on_the_same_ticket(deliver, make_mail):
    first = deliver(make_mail(message_id="<fix@cliente.es>"), send_ack=False)
    corrected = "Perdón, olvidé decir que el error es 503 desde el portátil nuevo.\n"
    second = deliver(
        make_mail(message_id="<fix@cliente.es>", body=corrected, subject="Sin asunto"),
        send_ack=False,
    )
    assert second.state == InboundState.PROCESSED
    assert second.ticket_id == first.ticket_id
    assert Ticket.objects.count() == 1
    texts = list(Article.objects.order_by("pk").values_list("text", flat=True))
    assert len(texts) == 2
    assert "503 desde el portátil" in texts[1]
    assert f"same Message-ID as inbound #{first.pk}" in " ".join(second.reasons)


@pytest.mark.parametrize(
    "change",
    [
        {"subject": "Otro asunto"},
        {"cc": "Ana <ana@cliente.es>"},
        {"to": "ventas@empresa.es"},
        {"html": "<p>Desde esta mañana no puedo <b>acceder</b>.</p>"},
    ],
)
def test_same_message_id_other_content_header_is_not_duplicate(deliver, make_mail, change):
    first = deliver(make_mail(message_id="<h@cliente.es>"), send_ack=False)
    second = deliver(make_mail(message_id="<h@cliente.es>", **change), send_ack=False)
    assert second.state == InboundState.PROCESSED
    assert second.ticket_id == first.ticket_id
    assert Article.objects.count() == 2


def test_same_message_id_from_another_sender_opens_its_own_ticket(deliver, make_mail):
    """A Message-ID collision across senders is no evidence: it does not join the ticket."""
    first = deliver(make_mail(message_id="<1@localhost>"), send_ack=False)
    other = deliver(
        make_mail(message_id="<1@localhost>", sender="Pedro <pedro@otra.es>", body="Hola\n"),
        send_ack=False,
    )
    assert other.state == InboundState.PROCESSED
    assert other.ticket_id != first.ticket_id
    assert Ticket.objects.get(pk=other.ticket_id).customer.email == "pedro@otra.es"


def test_check_is_one_indexed_query(make_ctx, deliver, make_mail, django_assert_num_queries):
    from ventanilla.pipeline.handlers.deduplicate import Deduplicate

    for n in range(3):
        deliver(make_mail(message_id="<q@cliente.es>", body=f"versión {n}\n"), send_ack=False)
    ctx = make_ctx(make_mail(message_id="<q@cliente.es>", body="versión 1\n", subject="x"))
    with django_assert_num_queries(1):
        Deduplicate().process(ctx)
    assert not ctx.stopped


def test_migration_fills_fingerprints_of_stored_mail(deliver, make_mail):
    """Messages processed before the column existed are compared by their stored bytes."""
    from importlib import import_module

    from django.apps import apps

    from ventanilla.mail.models import InboundMessage

    old = deliver(make_mail(message_id="<antes@cliente.es>"), send_ack=False)
    InboundMessage.objects.update(content_sha256="")
    import_module("ventanilla.mail.migrations.0006_inbound_content_sha256").fill_fingerprints(
        apps, None
    )
    old_fingerprint = InboundMessage.objects.get(pk=old.pk).content_sha256
    assert old_fingerprint
    copy = deliver(b"Received: from mx3\n" + bytes(old.raw), send_ack=False)
    assert copy.state == InboundState.DUPLICATE
    assert copy.content_sha256 == old_fingerprint


def test_mail_dropped_by_the_old_rule_goes_to_quarantine_and_reprocesses(deliver, make_mail):
    """Before fingerprints, another text with a known Message-ID was called a duplicate."""
    from importlib import import_module

    from django.apps import apps

    from ventanilla.mail.models import InboundMessage
    from ventanilla.pipeline.services import inbound_process, inbound_requeue

    first = deliver(make_mail(message_id="<viejo@cliente.es>"), send_ack=False)
    copy = deliver(b"Received: from mx2\n" + bytes(first.raw), send_ack=False)
    other = deliver(
        make_mail(message_id="<viejo@cliente.es>", body="Y además falla la VPN.\n"),
        send_ack=False,
    )
    # As the old rule left them: both duplicates, no fingerprints, one text never seen.
    InboundMessage.objects.filter(pk__in=[copy.pk, other.pk]).update(state="duplicate", ticket=None)
    Article.objects.filter(inbound=other).delete()
    InboundMessage.objects.update(content_sha256="")
    import_module("ventanilla.mail.migrations.0006_inbound_content_sha256").fill_fingerprints(
        apps, None
    )
    import_module(
        "ventanilla.mail.migrations.0008_quarantine_misjudged_duplicates"
    ).quarantine_misjudged(apps, None)
    states = dict(InboundMessage.objects.values_list("pk", "state"))
    assert states == {
        first.pk: InboundState.PROCESSED,
        copy.pk: InboundState.DUPLICATE,
        other.pk: InboundState.QUARANTINED,
    }
    assert "reprocess" in InboundMessage.objects.get(pk=other.pk).error
    assert inbound_requeue(inbound_id=other.pk)
    assert inbound_process(inbound_id=other.pk) == InboundState.PROCESSED
    assert "falla la VPN" in Article.objects.get(inbound_id=other.pk).text
    assert Article.objects.get(inbound_id=other.pk).ticket_id == first.ticket_id
