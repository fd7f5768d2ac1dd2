"""Through the whole pipeline: salvaged messages become articles that say what was salvaged.

Too-complex mail keeps its sender, subject and text and is flagged on the article and in
the inbound message's reasons; an attached message is stored with the sha256 of its bytes
as received; a sender salvaged from junk, another header or the envelope is marked.
"""

from __future__ import annotations

import hashlib

import pytest

from ventanilla.intake.ingest import ingest_raw
from ventanilla.parse.mime.walk import MAX_PARTS
from ventanilla.parse.tests.builders import enclosed, many_attachments, nested_multiparts, outer
from ventanilla.tickets.blobs import blob_get
from ventanilla.tickets.models import Article

pytestmark = pytest.mark.django_db(transaction=True)


def only_article(inbound) -> Article:
    assert inbound.state == "processed", inbound.reasons
    return Article.objects.get(inbound=inbound)


def test_deep_message_is_salvaged_and_flagged(deliver):
    raw = nested_multiparts(5000, b"Content-Type: text/plain\n\nLa impresora no imprime.\n")
    inbound = deliver(raw)
    article = only_article(inbound)
    assert article.sender_email == "ana@cliente.es"
    assert article.subject == "Informe"
    assert "La impresora no imprime." in article.text
    assert article.salvage == {"too_complex": True, "hidden_parts": 0}
    assert "too complex: salvaged, 0 parts not shown" in inbound.reasons


def test_thousands_of_attachments_are_counted_on_the_article(deliver):
    inbound = deliver(many_attachments(MAX_PARTS + 500))
    article = only_article(inbound)
    assert article.attachments.count() == MAX_PARTS
    assert article.salvage == {"too_complex": True, "hidden_parts": 500}
    assert article.text == "El cuerpo del mensaje"


def test_attached_message_is_stored_with_the_sha256_of_the_bytes_received(deliver):
    message = enclosed(b"\r\n")
    inbound = deliver(outer(message, b"\r\n"))
    stored = only_article(inbound).attachments.get(content_type="message/rfc822")
    assert stored.sha256 == hashlib.sha256(message).hexdigest()
    assert stored.size == len(message)
    assert blob_get(stored.sha256) == message
    assert only_article(inbound).salvage == {}


def test_sender_from_a_comment_is_marked_on_article_and_inbound(deliver):
    inbound = deliver(b"From: =?utf-8?q?Hans?= (hans@example.com)\nSubject: Hallo\n\nText\n")
    article = only_article(inbound)
    assert article.sender_email == "hans@example.com"
    assert article.salvage == {"sender": "from-repaired"}
    assert "sender repaired (from-repaired)" in inbound.reasons


def test_pasted_first_line_still_gives_the_sender(deliver):
    raw = b"---- Original message ----\nFrom: Ana <ana@cliente.es>\nSubject: Hola\n\nCuerpo\n"
    article = only_article(deliver(raw))
    assert article.sender_email == "ana@cliente.es"
    assert article.subject == "Hola"


def test_no_readable_header_falls_back_to_the_envelope(mailbox):
    raw = b"From: nadie\nSubject: Sin remitente\n\nHola\n"
    inbound = ingest_raw(
        raw,
        source="smtp",
        envelope_from="cliente@example.com",
        envelope_to=[mailbox.address],
    ).inbound
    inbound.refresh_from_db()
    article = only_article(inbound)
    assert article.sender_email == "cliente@example.com"
    assert article.salvage == {"sender": "envelope"}
    assert "sender repaired (envelope)" in inbound.reasons
    assert article.ticket.customer.email == "cliente@example.com"
