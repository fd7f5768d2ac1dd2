"""A first end-to-end check through ingest_raw: new mail, then a reply, on one ticket."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import InboundState
from ventanilla.tickets.models import Ticket


@pytest.mark.django_db(transaction=True)
def test_new_mail_then_reply_threads(deliver, make_mail):
    first = deliver(make_mail(message_id="<m1@cliente.es>"))
    assert first.state == InboundState.PROCESSED, first.error
    ticket = Ticket.objects.get()
    assert ticket.number.startswith("SOP-")
    reply = deliver(
        make_mail(
            subject="Re: otra cosa", in_reply_to="<m1@cliente.es>", message_id="<m2@cliente.es>"
        )
    )
    assert reply.state == InboundState.PROCESSED, reply.error
    assert Ticket.objects.count() == 1
    assert ticket.articles.count() == 2
