"""A worker's group (after an SMTP group commit): one transaction, one by one on failure."""

from __future__ import annotations

import pytest

from ventanilla.intake import tasks
from ventanilla.intake.ingest import RawMail, ingest_raw_many
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.pipeline import registry
from ventanilla.pipeline.base import Handler
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.services import inbound_process_group
from ventanilla.tickets.models import Ticket, TicketEvent
from ventanilla.tickets.signals import events_recorded


class _Poisoned:
    """The ``body`` step, raising for one subject."""

    name = "body"
    description = "body, or an exception for the poison message"

    def __init__(self, real: Handler) -> None:
        self.real = real

    def process(self, ctx: Context) -> None:
        if "POISON" in ctx.parsed.subject:
            raise RuntimeError("poisoned body")
        self.real.process(ctx)


def _stored(mailbox, make_mail, subjects: list[str]) -> list[int]:
    mails = [
        RawMail(
            make_mail(sender=f"c{i}@cliente.es", subject=s, message_id=f"<g{i}@cliente.es>"),
            "smtp",
            envelope_to=(mailbox.address,),
        )
        for i, s in enumerate(subjects)
    ]
    return [r.inbound.pk for r in ingest_raw_many(mails, process=False)]


@pytest.mark.django_db(transaction=True)
def test_a_group_is_processed_together_with_one_signal(mailbox, make_mail):
    ids = _stored(mailbox, make_mail, ["Uno", "Dos", "Tres"])
    sent: list[list[TicketEvent]] = []

    def listener(*, events, **_kw):
        sent.append(list(events))

    events_recorded.connect(listener, dispatch_uid="test-process-group")
    try:
        states = inbound_process_group(inbound_ids=ids)
    finally:
        events_recorded.disconnect(dispatch_uid="test-process-group")
    assert states == [InboundState.PROCESSED] * 3
    assert Ticket.objects.count() == 3
    assert len(sent) == 1
    assert all(row.pk is not None for row in sent[0])
    assert len(sent[0]) == TicketEvent.objects.count()
    # Processed already: a second run changes nothing.
    assert inbound_process_group(inbound_ids=ids) == [InboundState.PROCESSED] * 3


@pytest.mark.django_db(transaction=True)
def test_a_failing_message_is_quarantined_alone(mailbox, make_mail, monkeypatch):
    monkeypatch.setitem(registry.HANDLERS, "body", _Poisoned(registry.HANDLERS["body"]))
    ids = _stored(mailbox, make_mail, ["Uno", "POISON", "Tres"])
    assert inbound_process_group(inbound_ids=ids) is None
    assert Ticket.objects.count() == 0  # the group was rolled back whole
    states = tasks.process_inbound_many.call_local(ids)
    assert states == [InboundState.PROCESSED, InboundState.QUARANTINED, InboundState.PROCESSED]
    bad = InboundMessage.objects.get(pk=ids[1])
    assert "poisoned body" in bad.error
    assert Ticket.objects.count() == 2
