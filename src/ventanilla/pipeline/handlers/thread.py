"""Find the ticket a message belongs to, strongest evidence first."""

from __future__ import annotations

import re

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.pipeline.context import Context
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.selectors import (
    ticket_find_by_message_ids,
    ticket_follow_merges,
    ticket_get_by_number,
    ticket_is_party,
)

# A ticket number such as SOP-2026-00042, anywhere in the subject ("[SOP-2026-00042]", "Re: ...").
NUMBER_RE = re.compile(r"(?<![A-Z0-9-])([A-Z0-9]{1,10}-\d{4}-\d{5,})(?!\d)")


def _candidate_ids(ctx: Context) -> list[str]:
    """Message-IDs this message refers to, the most specific first."""
    mail = ctx.parsed
    ids = [*mail.in_reply_to, *reversed(mail.references)]
    if ctx.bounce is not None:
        # A bounce refers to the mail that failed through the returned original's headers.
        ids = [*ctx.bounce.original_message_ids, *ids]
    return [i for i in dict.fromkeys(ids) if i]


class ThreadToTicket:
    """Attach the message to an existing ticket, if any evidence points to one.

    In order: (1) our own signed token in In-Reply-To/References; (2) any known Message-ID,
    inbound or outbound; (3) the ticket number in the subject, but only when the sender is
    that ticket's customer or a participant and the mail is not suspected of spoofing, so a
    stranger quoting a number cannot read or join someone else's case (osTicket's check).
    """

    name = "thread"
    description = "Find the existing ticket by signed token, Message-ID, or subject number."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ids = _candidate_ids(ctx)
        ticket, reason = self._by_token(ids), "token"
        if ticket is None:
            ticket, reason = ticket_find_by_message_ids(message_ids=ids), "message-id"
        if ticket is None:
            ticket, reason = self._by_subject(ctx), "subject"
        if ticket is not None:
            # A merged ticket keeps its number and Message-IDs; its mail goes to the
            # ticket it was merged into.
            target = ticket_follow_merges(ticket)
            if target.pk != ticket.pk:
                ctx.reasons.append(f"{ticket.number} was merged into {target.number}")
            ctx.ticket = target
            ctx.thread_reason = reason

    @staticmethod
    def _by_token(ids: list[str]) -> Ticket | None:
        for mid in ids:
            number = ticket_number_from_message_id(mid)
            if number is not None:
                ticket = ticket_get_by_number(number=number)
                if ticket is not None:
                    return ticket
        return None

    @staticmethod
    def _by_subject(ctx: Context) -> Ticket | None:
        mail = ctx.parsed
        if ctx.possible_spoof or mail.sender is None:
            return None
        for number in NUMBER_RE.findall(mail.subject.upper()):
            ticket = ticket_get_by_number(number=number)
            if ticket is None:
                continue
            # After a merge the participants live on the target: either ticket vouches.
            for candidate in dict.fromkeys([ticket, ticket_follow_merges(ticket)]):
                if ticket_is_party(ticket=candidate, email=mail.sender.email):
                    return ticket
        return None
