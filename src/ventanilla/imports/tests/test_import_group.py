"""The import's batch writer: a group in one transaction, one by one when a message fails."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import build_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ventanilla.imports.archive import archive_sources
from ventanilla.imports.importer import ImportOptions, import_sources
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.pipeline import registry
from ventanilla.pipeline.base import Handler
from ventanilla.pipeline.context import Context
from ventanilla.tickets.models import Ticket, TicketEvent, TicketStatus
from ventanilla.tickets.signals import events_recorded

POISON = "POISON"


class _Poisoned:
    """The ``body`` step, raising for one subject: a message that breaks the pipeline."""

    name = "body"
    description = "body, or an exception for the poison message"

    def __init__(self, real: Handler) -> None:
        self.real = real

    def process(self, ctx: Context) -> None:
        if POISON in ctx.parsed.subject:
            raise RuntimeError("poisoned body")
        self.real.process(ctx)


def _folder(tmp_path, subjects: list[str]):
    for index, subject in enumerate(subjects):
        raw = build_mail(
            sender=f"Cliente {index} <c{index}@cliente.es>",
            subject=subject,
            message_id=f"<m{index}@cliente.es>",
        )
        (tmp_path / f"{index:03d}.eml").write_bytes(raw)
    return archive_sources([tmp_path])


@pytest.mark.django_db(transaction=True)
def test_group_written_together_with_one_signal_of_saved_events(mailbox, tmp_path):
    sent: list[list[TicketEvent]] = []

    def listener(*, events, **_kw):
        sent.append(list(events))

    events_recorded.connect(listener, dispatch_uid="test-group-listener")
    try:
        sources = _folder(tmp_path, [f"Consulta {i}" for i in range(5)])
        counts = import_sources(sources, options=ImportOptions(mailbox_address=mailbox.address))
    finally:
        events_recorded.disconnect(dispatch_uid="test-group-listener")
    assert counts.tickets_created == counts.tickets_settled == 5
    # One group of five: one signal carrying every audit row, each saved with its pk.
    assert len(sent) == 1
    rows = sent[0]
    assert {r.ticket_id for r in rows} == set(Ticket.objects.values_list("pk", flat=True))
    assert all(r.pk is not None for r in rows)
    assert sorted(r.pk for r in rows) == sorted(TicketEvent.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_failing_message_rolls_its_group_back_and_only_it_is_quarantined(
    mailbox, tmp_path, monkeypatch
):
    monkeypatch.setitem(registry.HANDLERS, "body", _Poisoned(registry.HANDLERS["body"]))
    subjects = ["Consulta 0", "Consulta 1", f"{POISON} 2", "Consulta 3"]
    counts = import_sources(
        _folder(tmp_path, subjects), options=ImportOptions(mailbox_address=mailbox.address)
    )
    assert counts.messages == 4
    assert counts.tickets_created == 3
    assert counts.quarantined == 1
    bad = InboundMessage.objects.get(state=InboundState.QUARANTINED)
    assert "poisoned body" in bad.error
    assert b"Message-ID: <m2@cliente.es>" in bytes(bad.raw)  # its bytes kept to reprocess
    assert Ticket.objects.count() == 3
    # Nothing of the rolled-back group was left twice.
    assert InboundMessage.objects.count() == 4
    assert TicketEvent.objects.filter(kind="created").count() == 3


@pytest.mark.django_db(transaction=True)
def test_history_status_and_dates_are_written_with_the_mail(mailbox, tmp_path):
    first = build_mail(subject="Factura", message_id="<f@cliente.es>")
    later = build_mail(
        subject="Re: Factura",
        message_id="<g@cliente.es>",
        in_reply_to="<f@cliente.es>",
        references="<f@cliente.es>",
    ).replace(b"24 Nov 2026 09:30:00", b"26 Nov 2026 12:00:00")
    (tmp_path / "1.eml").write_bytes(first)
    (tmp_path / "2.eml").write_bytes(later)
    options = ImportOptions(mailbox_address=mailbox.address, batch=1)
    counts = import_sources(archive_sources([tmp_path]), options=options)
    assert counts.tickets_settled == 1
    ticket = Ticket.objects.get()
    when = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.last_activity_at == ticket.resolved_at == ticket.closed_at == when
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds.count("history-settled") == 1
    assert kinds.count("status-changed") == 2


@pytest.mark.django_db(transaction=True)
def test_no_savepoint_per_message_in_a_group(mailbox, tmp_path):
    sources = _folder(tmp_path, [f"Consulta {i}" for i in range(4)])
    with CaptureQueriesContext(connection) as queries:
        import_sources(sources, options=ImportOptions(mailbox_address=mailbox.address))
    savepoints = [q for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT")]
    # The importer, the door and the pipeline take none (they took four per mail: import,
    # storing, processing, triage). The search index's listener takes one per document
    # write (a new ticket, then its first article): its own, not per message; and the
    # year's first ticket number creates its counter row in one.
    documents = 2 * 4
    assert len(savepoints) <= documents + 1
