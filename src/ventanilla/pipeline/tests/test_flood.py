"""The ``flood`` step: past the acknowledgement limit, no ack and the sender is flagged once.

Flow tests through ``deliver`` (the whole pipeline, acknowledge included), so the limit is
counted on real outbox rows.
"""

from __future__ import annotations

import pytest
from conftest import build_mail

from ventanilla.customers.models import Customer
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.models import Ticket, TicketEvent


def _send(deliver, sender: str, tag: str, *, send_ack: bool = True) -> None:
    deliver(
        build_mail(sender=sender, subject=f"Petición {tag}", message_id=f"<{tag}@cliente.es>"),
        send_ack=send_ack,
    )


@pytest.mark.django_db(transaction=True)
def test_sender_is_flagged_once_when_the_limit_trips(mailbox, deliver):
    mailbox.ack_limit = 3
    mailbox.save()
    for n in range(3):
        _send(deliver, "ana@cliente.es", f"a{n}")
    customer = Customer.objects.get(email="ana@cliente.es")
    assert customer.flagged_at is None  # at the limit, not over it
    assert not TicketEvent.objects.filter(kind="sender-flagged").exists()

    for n in range(3, 8):
        _send(deliver, "ana@cliente.es", f"a{n}")
    customer = Customer.objects.get(email="ana@cliente.es")
    assert customer.flagged_at is not None
    assert "3" in customer.flag_reason
    # Every mail still became a ticket; only the first three were acknowledged.
    assert Ticket.objects.filter(customer=customer).count() == 8
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 3
    flagged = TicketEvent.objects.filter(kind="sender-flagged")
    assert flagged.count() == 1
    assert flagged.get().ticket.subject == "Petición a3"
    suppressed = TicketEvent.objects.filter(kind="ack-suppressed")
    assert [e.data["reasons"] for e in suppressed] == [["rate-limit"]] * 5


@pytest.mark.django_db(transaction=True)
def test_other_senders_and_unacknowledged_mail_are_not_flagged(mailbox, deliver):
    mailbox.ack_limit = 1
    mailbox.save()
    _send(deliver, "uno@cliente.es", "u1")
    _send(deliver, "dos@cliente.es", "d1")
    # Without acknowledgement (history, say) there is nothing to cap: no flag.
    _send(deliver, "uno@cliente.es", "u2", send_ack=False)
    assert not Customer.objects.filter(flagged_at__isnull=False).exists()
    _send(deliver, "uno@cliente.es", "u3")
    assert list(
        Customer.objects.filter(flagged_at__isnull=False).values_list("email", flat=True)
    ) == ["uno@cliente.es"]
