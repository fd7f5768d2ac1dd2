"""Open a new ticket, or update the one the message threads to."""

from __future__ import annotations

from datetime import datetime

from ventanilla.pipeline.context import Context, MailKind, Outcome
from ventanilla.tickets import events
from ventanilla.tickets.lifecycle import ticket_follow_up_open, ticket_reopen_window_open
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.services import ticket_create_from_mail, ticket_customer_replied


def mail_date(ctx: Context) -> datetime:
    """The mail's own Date, or the time it was stored when missing, naive or in the future.

    An imported archive must keep its original dates (a ticket from 2019 was not received
    today).
    """
    date = ctx.parsed.date
    stored = ctx.inbound.received_at
    if date is not None and date.tzinfo is not None:
        return min(date, stored)
    return stored


class OpenOrUpdateTicket:
    """New mail opens a ticket; a reply moves its ticket; automatic mail never does either.

    A reply reopens a resolved ticket, and a closed one within ``VENTANILLA_REOPEN_DAYS``;
    later it opens a follow-up ticket linked to the closed one.
    A bounce or auto-reply about a known ticket is kept on it as an automatic article but
    never reopens it; about no known ticket it is ignored, so robots cannot open tickets
    (django-helpdesk opened one per bounce and acknowledged MAILER-DAEMON).
    """

    name = "ticket"
    description = "Open a ticket for new mail, or update the threaded one."

    @staticmethod
    def received_at(ctx: Context) -> datetime:
        """When the request was received: when we stored it."""
        return ctx.inbound.received_at

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.ticket is None:
            self._open(ctx)
            return
        if ctx.kind is MailKind.BOUNCE and ctx.bounce is not None:
            events.ticket_bounce_received_event(
                ticket=ctx.ticket, recipients=ctx.bounce.recipients, permanent=ctx.bounce.permanent
            )
        elif ctx.kind is MailKind.MAIL:
            if ticket_reopen_window_open(ticket=ctx.ticket, now=self.received_at(ctx)):
                ticket_customer_replied(ticket=ctx.ticket)
            else:
                self._follow_up(ctx, ctx.ticket)

    def _follow_up(self, ctx: Context, previous: Ticket) -> None:
        """Closed longer than the reopen window: the mail opens a new, linked ticket.

        The rest of the pipeline treats it as a new ticket (its first article, an ack).
        """
        ctx.ticket = ticket_follow_up_open(
            previous=previous,
            customer=ctx.customer or previous.customer,
            subject=ctx.parsed.subject,
            received_at=self.received_at(ctx),
            language=ctx.language,
            possible_spoof=ctx.possible_spoof,
            inbound_id=ctx.inbound.pk,
        )
        ctx.created_ticket = True
        ctx.thread_reason = "follow-up"
        ctx.reasons.append(f"{previous.number} closed beyond the reopen window")

    def _open(self, ctx: Context) -> None:
        if ctx.kind is not MailKind.MAIL:
            ctx.stop(Outcome.IGNORED, f"{ctx.kind} about no known ticket")
            return
        if ctx.customer is None:
            ctx.stop(Outcome.QUARANTINED, "no customer resolved")
            return
        ctx.ticket = ticket_create_from_mail(
            mailbox=ctx.mailbox,
            customer=ctx.customer,
            subject=ctx.parsed.subject,
            received_at=self.received_at(ctx),
            language=ctx.language,
            possible_spoof=ctx.possible_spoof,
            inbound_id=ctx.inbound.pk,
        )
        ctx.created_ticket = True
        ctx.thread_reason = "new"


class OpenOrUpdateImportedTicket(OpenOrUpdateTicket):
    """The import pipeline's ``ticket``: history keeps the dates its mail was written."""

    name = "imported-ticket"
    description = "Imports: like ticket, dated by the mail's own Date; never moves status."

    def process(self, ctx: Context) -> None:
        """See `Handler`: a known ticket keeps its status, which history gave it."""
        if ctx.ticket is None or ctx.archive is None:
            super().process(ctx)
        elif ctx.kind is MailKind.BOUNCE and ctx.bounce is not None:
            events.ticket_bounce_received_event(
                ticket=ctx.ticket, recipients=ctx.bounce.recipients, permanent=ctx.bounce.permanent
            )
        # A customer's archived mail neither reopens its ticket nor opens a follow-up: the
        # ``imported-history`` step moves its dates, and its status stays the chosen one.

    @staticmethod
    def received_at(ctx: Context) -> datetime:
        """When the request was received: the mail's own date (see `mail_date`)."""
        return mail_date(ctx)
