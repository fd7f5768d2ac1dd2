"""The database goes away while mail arrives over SMTP: 451, the client keeps it, no loss.

The real listener (``start_smtp_listener`` on a free port) and a real smtplib client. The
database is made unavailable for real, not by a mock:

- SQLite: another connection holds the write lock (a long ``BEGIN IMMEDIATE`` transaction)
  on the shared test database, so the listener cannot commit anything;
- PostgreSQL: the database stops accepting connections (``ALLOW_CONNECTIONS false``), and
  the listener opens a fresh connection for every call, as in production.

(``tests/e2e/test_smtp_flow.py`` already covers a renamed table.) While it is down the client
gets 451 and nothing is stored; once it is back the client's retries are stored exactly once.
"""

from __future__ import annotations

import smtplib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@contextmanager
def _sqlite_write_locked() -> Iterator[None]:
    name = connection.settings_dict["NAME"]
    other = sqlite3.connect(str(name), uri=str(name).startswith("file:"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE mail_mailbox SET name = name")  # hold a real write
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def _postgres_refusing_connections() -> Iterator[None]:
    import psycopg

    db = connection.settings_dict
    quoted = connection.ops.quote_name(db["NAME"])
    # A database cannot close its own doors: ask from the maintenance database.
    admin = psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false")
        try:
            yield
        finally:
            admin.execute(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true")


def _database_down(monkeypatch: pytest.MonkeyPatch):
    if connection.vendor == "sqlite":
        # The listener opens a fresh connection per call; give those a 1 s busy timeout
        # instead of 30 s, so each refused message costs the test one second, not thirty.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 1)
        return _sqlite_write_locked()
    if connection.vendor == "postgresql":
        return _postgres_refusing_connections()
    pytest.fail(f"no way to take {connection.vendor} down in this test")


@pytest.fixture
def listener(mailbox):
    smtp = start_smtp_listener("127.0.0.1", 0)
    yield smtp
    smtp.stop()


def _send(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send like an MTA; return the reply that decided the message's fate."""
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        try:
            smtp.sendmail("lucia@cliente.es", ["soporte@empresa.es"], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            return exc.recipients["soporte@empresa.es"]
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code, exc.smtp_error
    return 250, b""


def test_database_down_answers_451_and_retries_are_stored_once(monkeypatch, listener, make_mail):
    mails = [
        make_mail(subject=f"Consulta {n}", message_id=f"<down{n}@cliente.es>") for n in range(3)
    ]
    with _database_down(monkeypatch):
        replies = [_send(listener.port, raw) for raw in mails]
    monkeypatch.undo()
    assert [code for code, _ in replies] == [451, 451, 451], replies
    assert all(text.startswith(b"4.3.0") for _, text in replies), replies
    assert not InboundMessage.objects.exists()

    # Back: the client's queue retries every message; one of them twice (a lost 250).
    replies = [_send(listener.port, raw) for raw in [*mails, mails[0]]]
    assert [code for code, _ in replies] == [250, 250, 250, 250], replies
    rows = list(InboundMessage.objects.order_by("pk"))
    assert len(rows) == 3
    assert sorted(r.message_id.strip("<>") for r in rows) == [
        f"down{n}@cliente.es" for n in range(3)
    ]
    assert all(r.state == InboundState.PROCESSED for r in rows), [r.error for r in rows]
    assert Ticket.objects.count() == 3
