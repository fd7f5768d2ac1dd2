"""The one door in: exact bytes stored durably and idempotently before anyone acknowledges."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_exact_bytes_are_stored_and_processed_after_commit(mailbox, make_mail):
    raw = make_mail().replace(b"\n", b"\r\n") + b"\x00\xff trailing junk"
    result = ingest_raw(
        raw, source="smtp", envelope_from="lucia@cliente.es", envelope_to=["Soporte@Empresa.es"]
    )
    assert result.created
    stored = InboundMessage.objects.get(pk=result.inbound.pk)
    assert bytes(stored.raw) == raw
    assert stored.sha256 == hashlib.sha256(raw).hexdigest()
    assert stored.size == len(raw)
    assert stored.mailbox == mailbox
    assert stored.envelope_to == ["Soporte@Empresa.es"]
    assert stored.state == InboundState.PROCESSED
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_bytes_twice_is_one_record(mailbox, make_mail):
    raw = make_mail()
    first = ingest_raw(raw, source="smtp", envelope_to=[mailbox.address])
    second = ingest_raw(raw, source="imap", envelope_to=[mailbox.address])
    assert first.created
    assert not second.created
    assert second.inbound.pk == first.inbound.pk
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_processing_waits_for_commit(mailbox, make_mail):
    from django.db import transaction

    with transaction.atomic():
        result = ingest_raw(make_mail(), source="smtp", envelope_to=[mailbox.address])
        # Inside the caller's transaction nothing has been processed yet.
        assert not Ticket.objects.exists()
    result.inbound.refresh_from_db()
    assert result.inbound.state == InboundState.PROCESSED


@pytest.mark.django_db(transaction=True)
def test_nothing_stored_when_the_caller_rolls_back(mailbox, make_mail):
    from django.db import transaction

    class CallerError(Exception):
        pass

    def store_then_fail():
        with transaction.atomic():
            ingest_raw(make_mail(), source="smtp", envelope_to=[mailbox.address])
            raise CallerError

    with pytest.raises(CallerError):
        store_then_fail()
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_storage_failure_raises_so_the_edge_answers_temporarily(mailbox, make_mail):
    # A real database failure: the table is gone. The edge must see an exception (→ 451).
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE mail_inboundmessage RENAME TO mail_inbound_away")
    try:
        with pytest.raises(
            Exception, match=r"(?i)mail_inboundmessage|no such table|does not exist"
        ):
            ingest_raw(make_mail(), source="smtp", envelope_to=[mailbox.address])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE mail_inbound_away RENAME TO mail_inboundmessage")


@pytest.mark.django_db(transaction=True)
def test_unknown_recipient_falls_back_to_default_mailbox(mailbox, make_mail):
    result = ingest_raw(make_mail(to="otra@empresa.es"), source="import")
    result.inbound.refresh_from_db()
    assert result.inbound.mailbox == mailbox
    assert result.inbound.state == InboundState.PROCESSED


@pytest.mark.django_db(transaction=True)
def test_ingest_many_stores_each_once_in_one_go(mailbox, make_mail, monkeypatch):
    from ventanilla.intake import tasks
    from ventanilla.intake.ingest import RawMail, ingest_raw_many

    queued: list[list[int]] = []
    real = tasks.process_inbound_many.call_local

    def spy(ids: list[int]) -> object:
        queued.append(ids)
        return real(ids)

    monkeypatch.setattr(tasks, "process_inbound_many", spy)
    known = make_mail(subject="ya visto")
    first = ingest_raw(known, source="smtp", envelope_to=[mailbox.address])
    fresh = [make_mail(subject=f"nuevo {n}") for n in range(3)]
    mails = [RawMail(raw, "smtp", "lucia@cliente.es", (mailbox.address,)) for raw in fresh]
    # Known bytes and bytes repeated within the group are not stored again.
    mails += [RawMail(known, "smtp"), RawMail(fresh[0], "lmtp")]
    results = ingest_raw_many(mails)
    assert [r.created for r in results] == [True, True, True, False, False]
    assert results[3].inbound.pk == first.inbound.pk
    assert results[4].inbound.pk == results[0].inbound.pk
    assert InboundMessage.objects.count() == 4
    assert queued == [[r.inbound.pk for r in results[:3]]]  # one queue entry for the group
    for result in results[:3]:
        stored = InboundMessage.objects.get(pk=result.inbound.pk)
        assert stored.mailbox == mailbox
        assert stored.envelope_from == "lucia@cliente.es"
        assert stored.state == InboundState.PROCESSED
    assert Ticket.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_ingest_many_is_all_or_nothing(mailbox, make_mail):
    from ventanilla.intake.ingest import RawMail, ingest_raw_many

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE mail_inboundmessage RENAME TO mail_inbound_away")
    try:
        with pytest.raises(Exception, match=r"(?i)mail_inboundmessage|no such table|not exist"):
            ingest_raw_many([RawMail(make_mail(subject=f"{n}"), "smtp") for n in range(3)])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE mail_inbound_away RENAME TO mail_inboundmessage")
    assert not InboundMessage.objects.exists()
