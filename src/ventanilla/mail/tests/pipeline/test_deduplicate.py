"""The deduplicate step: the same Message-ID from the same sender is a duplicate."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import InboundState
from ventanilla.tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_message_id_same_sender_is_duplicate(deliver, make_mail):
    first = deliver(make_mail(message_id="<dup@cliente.es>"), send_ack=False)
    # Different bytes (another relay added a header), same message.
    second = deliver(
        make_mail(message_id="<dup@cliente.es>", headers={"X-Relay": "2"}), send_ack=False
    )
    assert first.state == InboundState.PROCESSED
    assert second.state == InboundState.DUPLICATE
    assert f"inbound #{first.pk}" in " ".join(second.reasons)
    assert Ticket.objects.count() == 1
    assert Article.objects.count() == 1


def test_same_message_id_other_sender_is_not_duplicate(deliver, make_mail):
    deliver(make_mail(message_id="<same@x>"), send_ack=False)
    other = deliver(make_mail(message_id="<same@x>", sender="otro@cliente.es"), send_ack=False)
    assert other.state == InboundState.PROCESSED
    assert Ticket.objects.count() == 2


def test_identical_bytes_are_stored_once(deliver, make_mail):
    raw = make_mail(message_id="<once@cliente.es>")
    first = deliver(raw, send_ack=False)
    again = deliver(raw, send_ack=False)
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1
