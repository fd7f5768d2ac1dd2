"""``content_fingerprint``: the same for transport changes, different for content changes."""

from __future__ import annotations

import pytest

from ventanilla.parse.fingerprint import content_fingerprint

MAIL = (
    b"From: Ana <ana@cliente.es>\n"
    b"To: soporte@empresa.es\n"
    b"Subject: La impresora\n"
    b"Date: Tue, 24 Nov 2026 09:30:00 +0100\n"
    b"Message-ID: <p@cliente.es>\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"\n"
    b"No imprime desde ayer.\n"
)


@pytest.mark.parametrize(
    "copy",
    [
        b"Received: from a by b; Tue, 24 Nov 2026 09:30:01 +0100\n" + MAIL,
        b"Return-Path: <ana@cliente.es>\nX-Mailscanner-ID: 42\nList-Id: <l.x>\n" + MAIL,
        b"From ana@cliente.es Tue Nov 24 09:30:00 2026\n" + MAIL,  # mbox separator
        MAIL.replace(b"\n", b"\r\n"),
        MAIL.replace(b"Subject: La impresora", b"Subject:   La\n\timpresora "),
        MAIL.replace(b"ayer.\n", b"ayer.   \n\n\n"),
        # Reordered by a relay.
        MAIL.replace(b"To: soporte@empresa.es\nSubject: La impresora\n", b"").replace(
            b"\n\n", b"\nSubject: La impresora\nTo: soporte@empresa.es\n\n", 1
        ),
    ],
)
def test_transport_differences_keep_the_fingerprint(copy):
    assert content_fingerprint(copy) == content_fingerprint(MAIL)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"No imprime desde ayer.", b"No imprime desde hoy."),
        (b"Subject: La impresora", b"Subject: La impresora 2"),
        (b"From: Ana <ana@cliente.es>", b"From: Eva <eva@cliente.es>"),
        (b"To: soporte@empresa.es", b"To: ventas@empresa.es"),
        (b"charset=utf-8", b"charset=iso-8859-1"),
        (b"+0100", b"+0000"),
    ],
)
def test_content_differences_change_the_fingerprint(old, new):
    assert content_fingerprint(MAIL.replace(old, new)) != content_fingerprint(MAIL)


def test_line_that_is_no_header_starts_the_body():
    """As in the stdlib parser: the rest is body, so it counts as content."""
    broken = MAIL.replace(b"Message-ID", b"no header here\nMessage-ID")
    assert content_fingerprint(broken) != content_fingerprint(broken.replace(b"here", b"there"))


def test_degenerate_input_never_raises():
    for raw in (b"", b"\n", b"\r", b"From \n", b":\n\n", b"\xff\xfe:\x00\n\n\x00", b" x\n y"):
        assert len(content_fingerprint(raw)) == 64
