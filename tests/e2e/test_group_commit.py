"""Group commit at the SMTP edge: concurrent sessions share one transaction, never a false 250.

Real smtplib clients talk to the real listener; the writer is told to wait long enough for
every client's message to join one group, so the group path (and its fallback) is what runs.
"""

from __future__ import annotations

import smtplib
import threading

import pytest

from ventanilla.intake import ingest
from ventanilla.intake.smtp import start_smtp_listener
from ventanilla.mail.models import InboundMessage
from ventanilla.mail.selectors import mailbox_size_limit_cached, mailboxes_cached

from .conftest import crlf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAILBOX = "soporte@empresa.es"


@pytest.fixture
def groups(monkeypatch) -> list[int]:
    """Record the size of every group ``ingest_raw_many`` is asked to store."""
    sizes: list[int] = []
    real = ingest.ingest_raw_many

    def spy(mails, **kwargs):
        sizes.append(len(mails))
        return real(mails, **kwargs)

    monkeypatch.setattr("ventanilla.intake.group_commit.ingest_raw_many", spy)
    return sizes


def _listener(group: int):
    listener = start_smtp_listener("127.0.0.1", 0, batch_wait=2.0)
    # The group closes as soon as ``group`` messages are queued: no waiting out the 2 s.
    listener.handler.committer.max_batch = group
    return listener


def _send_all(port: int, mails: list[bytes]) -> list[int]:
    """Send each mail from its own concurrent session; return each DATA reply code."""
    codes = [0] * len(mails)
    barrier = threading.Barrier(len(mails))

    def client(index: int) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            barrier.wait()
            try:
                smtp.sendmail("lucia@cliente.es", [MAILBOX], mails[index])
                codes[index] = 250
            except smtplib.SMTPDataError as exc:
                codes[index] = exc.smtp_code

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(mails))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_concurrent_clients_all_get_250_and_each_mail_is_stored_once(mailbox, make_mail, groups):
    mails = [crlf(make_mail(subject=f"Consulta {n}", message_id=f"<g{n}@c.es>")) for n in range(8)]
    mails.append(mails[0])  # the same bytes from two sessions at once: one row
    listener = _listener(len(mails))
    try:
        codes = _send_all(listener.port, mails)
    finally:
        listener.stop()
    assert codes == [250] * len(mails)
    assert max(groups) > 1, groups  # they really were stored together
    rows = InboundMessage.objects.all()
    assert rows.count() == 8
    assert sorted(bytes(r.raw) for r in rows) == sorted(mails[:8])


def test_a_mail_that_cannot_be_stored_fails_alone(mailbox, make_mail, groups, monkeypatch):
    real = ingest._new_row

    def poisoned(mail, digest, **kwargs):
        row = real(mail, digest, **kwargs)
        if b"POISON" in mail.raw:
            row.size = -1  # breaks the column's CHECK (size >= 0): a real database refusal
        return row

    monkeypatch.setattr(ingest, "_new_row", poisoned)
    mails = [crlf(make_mail(subject=f"Consulta {n}", message_id=f"<p{n}@c.es>")) for n in range(4)]
    mails[2] = crlf(make_mail(subject="POISON", message_id="<poison@cliente.es>"))
    listener = _listener(len(mails))
    try:
        codes = _send_all(listener.port, mails)
    finally:
        listener.stop()
    assert codes == [250, 250, 451, 250]
    assert max(groups) == len(mails), groups  # the group failed, then one by one
    stored = sorted(bytes(r.raw) for r in InboundMessage.objects.all())
    assert stored == sorted(mails[:2] + mails[3:])


def test_rcpt_is_answered_from_a_warm_mailbox_cache(mailbox):
    assert mailbox_size_limit_cached(MAILBOX) is None  # cold after the mailbox was saved
    mailboxes_cached()
    assert mailbox_size_limit_cached(MAILBOX.upper()) is not None
    assert mailbox_size_limit_cached("nadie@empresa.es") is None  # unknown: ask the database
