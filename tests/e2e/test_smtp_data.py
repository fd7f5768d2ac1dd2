"""What the SMTP/LMTP listeners accept in DATA: never an empty message, any line length.

A raw socket client speaks the protocol, so the listener receives exactly the bytes written
here (smtplib would rewrite bare LF line ends to CRLF).
"""

from __future__ import annotations

import socket

import pytest

from ventanilla.intake.lmtp import start_lmtp_listener
from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.mail.models import InboundMessage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAILBOX = "soporte@empresa.es"
LISTENERS = pytest.mark.parametrize(
    ("start", "hello"), [(start_smtp_listener, b"EHLO"), (start_lmtp_listener, b"LHLO")]
)


def _reply(sock: socket.socket) -> bytes:
    """Read one complete reply (its last line has a space after the code)."""
    said = b""
    while True:
        said += sock.recv(65536)
        lines = said.split(b"\r\n")
        if len(lines) > 1 and lines[-2][3:4] == b" ":
            return said


def _deliver(start, hello: bytes, content: bytes) -> bytes:
    """Send ``content`` (already dot-stuffed, ending in CRLF, or empty) then the final dot."""
    listener = start("127.0.0.1", 0)
    try:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=30) as sock:
            _reply(sock)
            for command in (
                hello + b" c.es",
                b"MAIL FROM:<ana@cliente.es>",
                b"RCPT TO:<" + MAILBOX.encode() + b">",
            ):
                sock.sendall(command + b"\r\n")
                assert _reply(sock)[:1] == b"2"
            sock.sendall(b"DATA\r\n")
            assert _reply(sock).startswith(b"354")
            sock.sendall(content + b".\r\n")
            return _reply(sock)
    finally:
        listener.stop()


@LISTENERS
@pytest.mark.parametrize("content", [b"", b"\r\n", b" \r\n\r\n"])
def test_an_empty_message_is_refused_permanently(mailbox, start, hello, content):
    reply = _deliver(start, hello, content)
    assert reply.startswith(b"554 5.6.0 Message is empty"), reply
    assert not InboundMessage.objects.exists()


@LISTENERS
def test_a_bare_lf_message_with_a_long_line_is_stored_as_it_came(mailbox, start, hello):
    sent = (
        b"From: Ana <ana@cliente.es>\nTo: soporte@empresa.es\nSubject: Informe\n"
        b"Message-ID: <bare-lf@cliente.es>\n\n" + "línea ".encode() * 400 + b"\nAna\r\n"
    )
    assert max(len(line) for line in sent.split(b"\n")) > 998
    reply = _deliver(start, hello, sent)
    assert reply.startswith(b"250"), reply
    assert bytes(InboundMessage.objects.get().raw) == sent


@LISTENERS
def test_a_crlf_line_over_998_bytes_is_stored(mailbox, start, hello):
    sent = (
        b"From: Ana <ana@cliente.es>\r\nTo: soporte@empresa.es\r\nSubject: HTML\r\n"
        b"Message-ID: <long-line@cliente.es>\r\nContent-Type: text/html\r\n\r\n"
        b"<p>" + b"texto " * 20000 + b"</p>\r\n"
    )
    reply = _deliver(start, hello, sent)
    assert reply.startswith(b"250"), reply
    assert bytes(InboundMessage.objects.get().raw) == sent


@LISTENERS
def test_a_line_still_counts_against_the_size_limit(settings, mailbox, start, hello):
    settings.VENTANILLA_MAX_MESSAGE_BYTES = 5000
    sent = b"From: Ana <ana@cliente.es>\nSubject: Grande\n\n" + b"x" * 20000 + b"\r\n"
    reply = _deliver(start, hello, sent)
    assert reply[:1] == b"5", reply
    assert not InboundMessage.objects.exists()
