"""Processing services: quarantine on failure, attempt counting, requeue."""

from __future__ import annotations

import pytest

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.pipeline import registry
from ventanilla.pipeline.services import inbound_mark_attempt, inbound_process, inbound_requeue
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


class Explodes:
    """A handler with a bug, to prove one poison message cannot block the others."""

    name = "explodes"
    description = "raises on mail whose subject says so"

    def process(self, ctx):
        if "boom" in ctx.parsed.subject:
            raise ValueError("handler bug")


@pytest.fixture
def exploding_pipeline(monkeypatch):
    monkeypatch.setitem(registry.HANDLERS, "explodes", Explodes())
    monkeypatch.setattr(registry, "INBOUND_PIPELINE", ("explodes", *registry.INBOUND_PIPELINE))


def _store(mailbox, raw):
    return ingest_raw(raw, source="test", envelope_to=[mailbox.address], process=False).inbound


def test_failure_quarantines_and_rolls_back_the_message(mailbox, make_mail, exploding_pipeline):
    poison = _store(mailbox, make_mail(subject="boom"))
    good = _store(mailbox, make_mail(subject="fine", message_id="<fine@c>"))
    assert inbound_process(inbound_id=poison.pk) == InboundState.QUARANTINED
    assert inbound_process(inbound_id=good.pk) == InboundState.PROCESSED
    poison.refresh_from_db()
    assert "handler bug" in poison.error
    assert Ticket.objects.count() == 1


def test_requeue_then_reprocess_after_the_fix(mailbox, make_mail, exploding_pipeline, monkeypatch):
    poison = _store(mailbox, make_mail(subject="boom"))
    inbound_process(inbound_id=poison.pk)
    monkeypatch.setattr(registry, "INBOUND_PIPELINE", registry.INBOUND_PIPELINE[1:])  # "the fix"
    assert inbound_requeue(inbound_id=poison.pk)
    assert inbound_process(inbound_id=poison.pk) == InboundState.PROCESSED
    poison.refresh_from_db()
    assert poison.error == ""
    assert poison.ticket is not None


def test_processing_twice_is_a_no_op(mailbox, make_mail):
    inbound = _store(mailbox, make_mail())
    assert inbound_process(inbound_id=inbound.pk) == InboundState.PROCESSED
    assert inbound_process(inbound_id=inbound.pk) == InboundState.PROCESSED
    assert Ticket.objects.count() == 1


def test_interrupted_message_is_quarantined_after_max_attempts(mailbox, make_mail):
    inbound = _store(mailbox, make_mail())
    assert inbound_mark_attempt(inbound_id=inbound.pk, max_attempts=2)
    assert inbound_mark_attempt(inbound_id=inbound.pk, max_attempts=2)
    assert not inbound_mark_attempt(inbound_id=inbound.pk, max_attempts=2)
    inbound.refresh_from_db()
    assert inbound.state == InboundState.QUARANTINED
    assert "interrupted" in inbound.error


def test_missing_mailbox_configuration_quarantines(db, make_mail):
    inbound = ingest_raw(make_mail(), source="test", process=False).inbound
    assert inbound_process(inbound_id=inbound.pk) == InboundState.QUARANTINED
    assert "no mailbox" in InboundMessage.objects.get(pk=inbound.pk).error
