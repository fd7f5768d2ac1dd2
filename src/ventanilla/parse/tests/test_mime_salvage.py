"""Messages too deep or too wide to read in full: salvaged, flagged, and fast.

Before, a tree past the walk's limits lost its body without a sign, and one past the
stdlib's recursion limit lost everything (no sender, no subject, no text).
"""

from __future__ import annotations

import time
import tracemalloc

from ventanilla.parse.mime.spans import scan
from ventanilla.parse.mime.walk import MAX_DEPTH, MAX_PARTS
from ventanilla.parse.parsing import parse_message
from ventanilla.parse.tests.builders import (
    HEAD,
    many_attachments,
    nested_messages,
    nested_multiparts,
)

# Generous on a shared 2-core machine; measured well under a second each.
FAST = 5.0


def timed(raw: bytes):
    started = time.perf_counter()
    mail = parse_message(raw)
    return mail, time.perf_counter() - started


def test_5000_nesting_levels_keep_headers_and_text_fast():
    mail, seconds = timed(nested_multiparts(5000, b"Content-Type: text/plain\n\nfondo\n"))
    assert seconds < FAST
    assert mail.sender is not None
    assert mail.sender.email == "ana@cliente.es"
    assert mail.subject == "Informe"
    assert mail.text == "fondo\n"
    assert mail.too_complex


def test_past_the_walk_depth_text_and_attachment_are_kept():
    bottom = (
        b"Content-Type: multipart/mixed; boundary=last\n\n--last\n"
        b"Content-Type: text/plain; charset=utf-8\n\nTexto en el fondo: a\xc3\xb1o\n--last\n"
        b"Content-Type: application/pdf; name=factura.pdf\n"
        b"Content-Transfer-Encoding: base64\n\nJVBERi0=\n--last--\n"
    )
    mail, _ = timed(nested_multiparts(MAX_DEPTH + 20, bottom))
    assert mail.text == "Texto en el fondo: año"
    assert [(a.filename, a.content) for a in mail.attachments] == [("factura.pdf", b"%PDF-")]
    assert mail.too_complex
    assert mail.hidden_parts == 0


def test_thousands_of_nested_messages_keep_sender_subject_and_text():
    mail, seconds = timed(nested_messages(3000))
    assert seconds < FAST
    assert mail.sender is not None
    assert mail.sender.email == "ana@cliente.es"
    assert mail.subject == "Informe"
    assert mail.text.strip() == "Ver el reenvio adjunto."
    (attached,) = mail.attachments
    assert attached.content_type == "message/rfc822"
    assert attached.content.startswith(b"From: n2999@otro.es\n")
    assert attached.content.endswith(b"texto del fondo\n")
    assert mail.too_complex


def test_a_message_that_is_only_nested_messages_shows_the_innermost_text():
    inner = b"From: z@otro.es\nSubject: el fondo\n\ntexto del fondo\n"
    for i in range(2000):
        inner = b"From: n%d@otro.es\nContent-Type: message/rfc822\n\n" % i + inner
    mail = parse_message(HEAD + b"Content-Type: message/rfc822\n\n" + inner)
    assert mail.subject == "Informe"
    assert mail.text == "texto del fondo\n"
    assert len(mail.attachments) == 1


def test_10000_attachments_are_counted_not_silently_dropped():
    mail, seconds = timed(many_attachments(10_000))
    assert seconds < FAST
    assert mail.text == "El cuerpo del mensaje"
    assert len(mail.attachments) == MAX_PARTS
    assert mail.attachments[0].filename == "f0.bin"
    assert mail.hidden_parts == 10_000 - MAX_PARTS
    assert mail.too_complex
    assert "too complex: salvaged, 9000 parts not shown" in mail.notes()


def test_text_after_the_parts_limit_is_still_shown():
    mail, _ = timed(many_attachments(MAX_PARTS + 200, text_last=True))
    assert mail.text == "El cuerpo del mensaje"
    assert mail.hidden_parts == 200


def test_ordinary_mail_is_not_flagged():
    raw = many_attachments(3)
    mail = parse_message(raw)
    assert not mail.too_complex
    assert mail.hidden_parts == 0
    assert len(mail.attachments) == 3
    assert mail.notes() == []


def test_scan_is_linear_and_bounded_on_hostile_input():
    """The byte scan itself: 5,000 levels and 10,000 parts, counted, in well under a second."""
    started = time.perf_counter()
    deep = scan(nested_multiparts(5000, b"\nx\n"))
    wide = scan(many_attachments(10_000))
    assert time.perf_counter() - started < FAST
    assert deep.depth == 5000
    assert wide.walk_parts == 10_002


def test_memory_stays_bounded():
    """Peak allocations stay a small multiple of the input (measured: ~18x)."""
    for raw in (many_attachments(1_500), nested_multiparts(1_000, b"\nx\n")):
        tracemalloc.start()
        try:
            parse_message(raw)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 40 * len(raw) + 5_000_000
