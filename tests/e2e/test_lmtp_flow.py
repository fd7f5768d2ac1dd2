"""LMTP listener end to end, and what it shares with the SMTP listener.

A real ``smtplib.LMTP`` client talks to our listener on a free port. RFC 2033 §4.2: after
DATA there is one reply per accepted recipient, read here with ``getreply()``. Also: STARTTLS
with a self-signed certificate made by the ``openssl`` CLI, the session cap (the 101st
session gets 421) for SMTP and LMTP, per-mailbox size limits, and 451 per recipient while
the database cannot store, with exactly one stored copy after the retry.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import smtplib
import ssl
import subprocess

import pytest
from django.db import connection

from ventanilla.intake.lmtp import start_lmtp_listener
from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.mail.models import InboundMessage, Mailbox
from ventanilla.mail.services import mailbox_create

from .conftest import crlf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUEUED_RE = re.compile(rb"2\.0\.0 Ok: queued as (\d+)")
TWO = ["soporte@empresa.es", "ventas@empresa.es"]


@pytest.fixture
def ventas(mailbox):
    """A second mailbox, so one LMTP transaction can have two recipients."""
    return mailbox_create(name="Ventas", address="ventas@empresa.es", prefix="VEN")


@pytest.fixture
def lmtp(relay):
    """Our LMTP listener on a free port (the outbox relays to the sink)."""
    listener = start_lmtp_listener("127.0.0.1", 0)
    yield listener
    listener.stop()


def _lmtp_send(port: int, raw: bytes, rcpts: list[str], **mail_kw) -> dict[str, tuple[int, bytes]]:
    """Run one LMTP transaction; return each recipient's final status (RCPT refusal or DATA)."""
    with smtplib.LMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()  # smtplib.LMTP sends LHLO
        assert client.mail("lucia@cliente.es", **mail_kw)[0] == 250
        status = {rcpt: client.rcpt(rcpt) for rcpt in rcpts}
        accepted = [rcpt for rcpt, (code, _) in status.items() if code == 250]
        if not accepted:
            return status
        client.putcmd("data")
        assert client.getreply()[0] == 354
        client.send(
            smtplib.quotedata(crlf(raw).decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape"
            )
            + b"\r\n.\r\n"
        )
        # RFC 2033 §4.2: one reply per accepted recipient, in RCPT order.
        for rcpt in accepted:
            status[rcpt] = client.getreply()
        assert client.noop()[0] == 250, "a reply too many was left in the stream"
    return status


@contextlib.contextmanager
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


def test_one_reply_per_recipient_and_one_stored_copy(lmtp, ventas, make_mail):
    status = _lmtp_send(lmtp.port, make_mail(), [TWO[0], "nadie@empresa.es", TWO[1]])
    assert status["nadie@empresa.es"] == (550, b"5.1.1 <nadie@empresa.es>: mailbox unavailable")
    inbound = InboundMessage.objects.get()
    for rcpt in TWO:
        code, reply = status[rcpt]
        assert code == 250, reply
        assert int(QUEUED_RE.fullmatch(reply)[1]) == inbound.pk
    assert inbound.source == "lmtp"
    assert inbound.envelope_to == TWO


def test_mailbox_limit_refuses_only_that_recipient(lmtp, ventas, make_mail):
    raw = make_mail(body="x" * 3000 + "\n")
    Mailbox.objects.filter(pk=ventas.pk).update(max_message_bytes=len(raw) // 2)
    status = _lmtp_send(lmtp.port, raw, TWO)
    assert status["ventas@empresa.es"] == (552, b"5.3.4 Message too big for <ventas@empresa.es>")
    assert status["soporte@empresa.es"][0] == 250
    assert InboundMessage.objects.get().envelope_to == ["soporte@empresa.es"]


def test_declared_size_over_the_mailbox_limit_is_refused_at_rcpt(lmtp, ventas, make_mail):
    Mailbox.objects.filter(pk=ventas.pk).update(max_message_bytes=1000)
    raw = make_mail()
    status = _lmtp_send(lmtp.port, raw, TWO, options=["SIZE=5000"])
    assert status["ventas@empresa.es"][0] == 552
    assert status["soporte@empresa.es"][0] == 250
    assert InboundMessage.objects.get().envelope_to == ["soporte@empresa.es"]


def test_global_limit_answers_552_for_each_recipient(settings, relay, ventas, make_mail):
    settings.VENTANILLA_MAX_MESSAGE_BYTES = 2000
    listener = start_lmtp_listener("127.0.0.1", 0)
    try:
        status = _lmtp_send(listener.port, make_mail(body="x\n" * 2500), TWO)
    finally:
        listener.stop()
    assert [status[rcpt][0] for rcpt in TWO] == [552, 552]
    assert not InboundMessage.objects.exists()


def test_storage_failure_answers_451_per_recipient_then_stores_once(lmtp, ventas, make_mail):
    raw = make_mail()
    with _table_unavailable(InboundMessage._meta.db_table):
        status = _lmtp_send(lmtp.port, raw, TWO)
    assert [status[rcpt] for rcpt in TWO] == [(451, b"4.3.0 Temporary failure, please retry")] * 2
    assert not InboundMessage.objects.exists()
    # The MTA retries: stored once; a second retry (say, a lost reply) stores nothing new.
    first = _lmtp_send(lmtp.port, raw, TWO)
    again = _lmtp_send(lmtp.port, raw, TWO)
    assert InboundMessage.objects.count() == 1
    assert {first[r][1] for r in TWO} == {again[r][1] for r in TWO}


def test_recipient_check_failure_answers_451(lmtp, ventas, make_mail):
    with _table_unavailable(Mailbox._meta.db_table):
        status = _lmtp_send(lmtp.port, make_mail(), TWO)
    assert [status[rcpt][0] for rcpt in TWO] == [451, 451]


def test_helo_and_ehlo_are_not_lmtp(lmtp):
    with smtplib.SMTP("127.0.0.1", lmtp.port, timeout=30) as client:
        assert client.helo()[0] == 500
        assert client.ehlo()[0] == 500


# --- STARTTLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate and key for 127.0.0.1, made by the openssl CLI."""
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command is needed to make a test certificate"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@pytest.mark.parametrize(
    ("start", "client_class"),
    [(start_smtp_listener, smtplib.SMTP), (start_lmtp_listener, smtplib.LMTP)],
)
def test_starttls_when_a_certificate_is_configured(
    settings, certificate, relay, mailbox, make_mail, start, client_class
):
    settings.VENTANILLA_TLS_CERT, settings.VENTANILLA_TLS_KEY = map(str, certificate)
    listener = start("127.0.0.1", 0)
    try:
        with client_class("127.0.0.1", listener.port, timeout=30) as client:
            client.ehlo()
            assert client.has_extn("starttls")
            assert client.starttls(context=_unverified())[0] == 220
            assert isinstance(client.sock, ssl.SSLSocket)
            assert client.sock.getpeercert(binary_form=True) == ssl.PEM_cert_to_DER_cert(
                certificate[0].read_text()
            )
            client.ehlo()
            assert not client.has_extn("starttls")
            client.sendmail("lucia@cliente.es", ["soporte@empresa.es"], crlf(make_mail()))
    finally:
        listener.stop()
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "client_class"),
    [(start_smtp_listener, smtplib.SMTP), (start_lmtp_listener, smtplib.LMTP)],
)
def test_no_starttls_without_a_certificate(settings, mailbox, start, client_class):
    settings.VENTANILLA_TLS_CERT = settings.VENTANILLA_TLS_KEY = ""
    listener = start("127.0.0.1", 0)
    try:
        with client_class("127.0.0.1", listener.port, timeout=30) as client:
            client.ehlo()
            assert not client.has_extn("starttls")
    finally:
        listener.stop()


# --- session cap -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "client_class"),
    [(start_smtp_listener, smtplib.SMTP), (start_lmtp_listener, smtplib.LMTP)],
)
def test_the_101st_session_gets_421(mailbox, start, client_class):
    listener = start("127.0.0.1", 0)  # the default cap: 100 sessions
    # Ten clients of ten sessions each (SMTP allows 10 per address by default).
    sources = [(f"127.0.0.{1 + n // 10}", 0) for n in range(101)]
    try:
        with contextlib.ExitStack() as stack:
            for source in sources[:100]:
                stack.enter_context(
                    client_class("127.0.0.1", listener.port, timeout=30, source_address=source)
                )
            with pytest.raises(smtplib.SMTPConnectError) as busy:
                client_class("127.0.0.1", listener.port, timeout=30, source_address=sources[100])
            assert busy.value.smtp_code == 421
            assert busy.value.smtp_error.startswith(b"4.3.2")
    finally:
        listener.stop()
