"""Tickets and outgoing mail: what a mail needs to know of a ticket, and what became of it.

Outbound builds and queues mail from plain values and never reads a ticket: the ticket's
code describes the ticket (`ticket_mail_facts`, `ticket_mail_ref`) and the thread to answer
(`ticket_mail_thread`). Outbound reports each delivery outcome through
``outbound.signals.delivery_result``; `delivery_result_record` (connected in ``apps.py``)
writes a failure on the ticket, so the agents learn the customer did not get the mail.
"""

from __future__ import annotations

from typing import Any

from ventanilla.mail.models import MailTemplate
from ventanilla.outbound import signals
from ventanilla.outbound.draft import Thread, TicketFacts, TicketRef
from ventanilla.outbound.kinds.ack import ack_template_preview
from ventanilla.outbound.wording import RenderedMail
from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.portal_links import ticket_portal_url
from ventanilla.tickets.satisfaction import ticket_rating_urls
from ventanilla.tickets.selectors import ticket_conversation_thread


def ticket_mail_ref(ticket: Ticket) -> TicketRef:
    """Return the ticket as mail about it names it: row, number, subject, mailbox."""
    return TicketRef(
        id=ticket.pk, number=ticket.number, subject=ticket.subject, mailbox=ticket.mailbox
    )


def ticket_mail_facts(ticket: Ticket, *, rating: bool = False) -> TicketFacts:
    """Return the ticket and its customer as mail to the customer needs them.

    ``rating``: with the links that offer the customer to rate the solution.
    """
    customer = ticket.customer
    good, bad = ticket_rating_urls(ticket) if rating else ("", "")
    return TicketFacts(
        id=ticket.pk,
        number=ticket.number,
        subject=ticket.subject,
        mailbox=ticket.mailbox,
        received_at=ticket.received_at,
        customer_name=customer.name,
        customer_email=customer.email,
        customer_language=customer.language,
        language=ticket.language,
        portal_url=ticket_portal_url(ticket),
        rating_good_url=good,
        rating_bad_url=bad,
    )


def ticket_mail_thread(ticket: Ticket) -> Thread:
    """Return the thread our mail answering ``ticket`` joins (``ticket_conversation_thread``)."""
    in_reply_to, references = ticket_conversation_thread(ticket=ticket)
    return Thread.of(in_reply_to, references)


def ack_preview(*, template: MailTemplate) -> RenderedMail:
    """Render ``template`` with its mailbox's latest ticket, or with sample data if none.

    Raises ``django.template.TemplateSyntaxError`` for a broken template (shown to the admin).
    """
    ticket = (
        Ticket.objects.filter(mailbox=template.mailbox)
        .select_related("customer", "mailbox")
        .first()
    )
    about = ticket_mail_facts(ticket) if ticket is not None else None
    return ack_template_preview(template=template, about=about)


def delivery_result_record(
    *, outbound_id: int, ticket_id: int | None, result: str, error: str, **_kw: Any
) -> None:
    """Write an ``outbound-failed`` event on the ticket of a mail given up on."""
    if result != signals.FAILED or ticket_id is None:
        return
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is not None:
        events.ticket_outbound_failed_event(ticket=ticket, outbound_id=outbound_id, error=error)
