"""Connection caps and timeouts of the SMTP/LMTP listeners, with real sockets.

The listener binds 127.0.0.1; clients bind their own source address inside 127.0.0.0/8
(all of it is loopback on Linux), so the listener sees two different client addresses.
"""

from __future__ import annotations

import smtplib
import socket
import time

import pytest

from ventanilla.intake.lmtp import start_lmtp_listener
from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.mail.models import InboundMessage

from .conftest import crlf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAILBOX = "soporte@empresa.es"


def _open(port: int, source: str = "127.0.0.1") -> tuple[socket.socket, bytes]:
    """Connect from ``source``; return the socket and the server's first line."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    return sock, sock.recv(1024)


def _until_closed(sock: socket.socket, timeout: float) -> tuple[bytes, float]:
    """Read until the server closes; return what it said and how long that took."""
    sock.settimeout(timeout)
    started, said = time.monotonic(), b""
    while chunk := sock.recv(1024):
        said += chunk
    return said, time.monotonic() - started


def _quiet(listener) -> None:
    """Wait until aiosmtpd's own start-up probe connection has been counted out."""
    deadline = time.monotonic() + 5
    while listener.handler.limits.open and time.monotonic() < deadline:
        time.sleep(0.01)


def test_idle_connections_from_one_address_do_not_lock_out_another(mailbox, make_mail):
    listener = start_smtp_listener("127.0.0.1", 0)  # the defaults: 100 in all, 10 per address
    _quiet(listener)
    held: list[socket.socket] = []
    try:
        greetings = []
        for _ in range(100):
            sock, greeting = _open(listener.port)
            held.append(sock)
            greetings.append(greeting)
        accepted = [g for g in greetings if g.startswith(b"220")]
        refused = [g for g in greetings if g.startswith(b"421 4.7.0")]
        assert (len(accepted), len(refused)) == (10, 90), greetings[:12]
        # Another address still gets in and delivers while the 10 sit idle.
        with smtplib.SMTP(
            "127.0.0.1", listener.port, timeout=30, source_address=("127.0.0.2", 0)
        ) as smtp:
            smtp.sendmail("ana@cliente.es", [MAILBOX], crlf(make_mail()))
    finally:
        for sock in held:
            sock.close()
        listener.stop()
    assert InboundMessage.objects.count() == 1


def test_a_freed_slot_of_an_address_is_served_again(mailbox):
    listener = start_smtp_listener("127.0.0.1", 0, max_per_address=1)
    _quiet(listener)
    try:
        first, greeting = _open(listener.port)
        assert greeting.startswith(b"220")
        second, greeting = _open(listener.port)
        assert greeting.startswith(b"421 4.7.0")
        second.close()
        first.sendall(b"QUIT\r\n")
        _until_closed(first, 10)
        first.close()
        _quiet(listener)
        third, greeting = _open(listener.port)
        assert greeting.startswith(b"220")
        third.close()
    finally:
        listener.stop()


@pytest.mark.parametrize(
    ("start", "hello"),
    [(start_smtp_listener, b"EHLO c.es\r\n"), (start_lmtp_listener, b"LHLO c.es\r\n")],
)
def test_an_idle_connection_is_dropped_after_the_command_timeout(mailbox, start, hello):
    listener = start("127.0.0.1", 0, command_timeout=1.0)
    try:
        silent, greeting = _open(listener.port)
        assert greeting.startswith(b"220"), greeting
        said, waited = _until_closed(silent, 10)
        assert said.startswith(b"421 4.4.2"), said
        assert 0.8 < waited < 3, waited
        # A client that has said hello and then goes quiet is dropped the same way.
        quiet, _ = _open(listener.port)
        quiet.sendall(hello)
        said, waited = _until_closed(quiet, 10)
        assert b"250" in said
        assert said.rstrip().splitlines()[-1].startswith(b"421 4.4.2"), said
        assert waited < 3, waited
    finally:
        listener.stop()


def _start_data(sock: socket.socket) -> None:
    for command in (b"EHLO c.es", b"MAIL FROM:<ana@cliente.es>", f"RCPT TO:<{MAILBOX}>".encode()):
        sock.sendall(command + b"\r\n")
        time.sleep(0.05)
    sock.sendall(b"DATA\r\n")
    said = b""
    while b"354" not in said:
        said += sock.recv(4096)


def test_data_may_take_longer_than_the_command_timeout_while_bytes_flow(mailbox, make_mail):
    listener = start_smtp_listener("127.0.0.1", 0, command_timeout=1.0, data_timeout=2.0)
    raw = crlf(make_mail(body="una línea de texto\n" * 400))
    try:
        sock, _ = _open(listener.port)
        _start_data(sock)
        # A slow link: the message takes 4 s, four times the command timeout.
        pieces = [raw[i : i + len(raw) // 8 + 1] for i in range(0, len(raw), len(raw) // 8 + 1)]
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.5)
        sock.sendall(b".\r\n")
        sock.settimeout(10)
        reply = sock.recv(1024)
        sock.close()
    finally:
        listener.stop()
    assert reply.startswith(b"250 2.0.0"), reply
    assert bytes(InboundMessage.objects.get().raw) == raw


def test_data_that_stalls_past_the_data_timeout_is_dropped_unstored(mailbox, make_mail):
    listener = start_smtp_listener("127.0.0.1", 0, command_timeout=5.0, data_timeout=1.0)
    try:
        sock, _ = _open(listener.port)
        _start_data(sock)
        sock.sendall(crlf(make_mail())[:200])
        said, waited = _until_closed(sock, 10)
        sock.close()
    finally:
        listener.stop()
    assert said.startswith(b"421 4.4.2"), said
    assert waited < 3, waited
    assert not InboundMessage.objects.exists()


def test_a_slow_store_after_the_final_dot_is_waited_for(mailbox, make_mail, monkeypatch):
    from ventanilla.intake import ingest

    def slow(mails, **kwargs):
        time.sleep(2)  # a database that takes its time: four data timeouts
        return ingest.ingest_raw_many(mails, **kwargs)

    monkeypatch.setattr("ventanilla.intake.group_commit.ingest_raw_many", slow)
    listener = start_smtp_listener("127.0.0.1", 0, command_timeout=0.5, data_timeout=0.5)
    try:
        with smtplib.SMTP("127.0.0.1", listener.port, timeout=30) as smtp:
            smtp.sendmail("ana@cliente.es", [MAILBOX], crlf(make_mail()))
    finally:
        listener.stop()
    assert InboundMessage.objects.count() == 1
