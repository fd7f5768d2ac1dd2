"""End to end over SMTP: resolve, the notice reaches the relay, the answer reopens the ticket."""

from __future__ import annotations

import pytest

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.tickets.lifecycle import ticket_resolve
from ventanilla.tickets.models import Ticket, TicketStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resolution_notice_reaches_the_customer_and_her_answer_reopens(
    mailbox, client, relay, make_mail, make_agent
):
    client.send(make_mail(message_id="<first@cliente.es>"))
    relay.wait_for(1)  # the acknowledgement
    ticket = Ticket.objects.get()
    ticket_resolve(ticket=ticket, actor=make_agent("ana"), note="Cuenta desbloqueada.")
    messages = relay.wait_for(2)
    assert len(messages) == 2
    recipients, notice = messages[1]
    assert recipients == ["lucia@cliente.es"]
    assert notice["Subject"].startswith(f"[{ticket.number}] ")
    assert notice["In-Reply-To"] == "<first@cliente.es>"
    assert ticket_number_from_message_id(notice["Message-ID"]) == ticket.number
    assert "Cuenta desbloqueada." not in notice.get_body(("plain",)).get_content()
    # Lucía's client answers the notice as clients do: Re: subject, threading headers.
    client.send(
        make_mail(
            subject=f"Re: {notice['Subject']}",
            body="Sigue bloqueada.\n",
            in_reply_to=notice["Message-ID"],
            references=f"<first@cliente.es> {notice['Message-ID']}",
        )
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    assert Ticket.objects.count() == 1
    assert ticket.articles.filter(direction="in").count() == 2
    assert len(relay.messages()) == 2  # a reply is not acknowledged
