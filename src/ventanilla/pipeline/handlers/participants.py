"""Record Cc (and extra To) recipients as participants of the ticket."""

from __future__ import annotations

from ventanilla.mail.selectors import mailbox_addresses
from ventanilla.pipeline.context import Context, MailKind
from ventanilla.tickets.models import Participant
from ventanilla.tickets.services import participant_add


class RecordParticipants:
    """Add the people copied on a customer's mail, so their replies thread by number too.

    Our own addresses and the customer are not participants; automatic mail adds nobody.
    """

    name = "participants"
    description = "Record Cc and extra To recipients as participants."

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        if ctx.ticket is None or ctx.kind is not MailKind.MAIL:
            return
        mail = ctx.parsed
        ours = mailbox_addresses()
        customer = ctx.ticket.customer.email
        for role, people in ((Participant.Role.TO, mail.to), (Participant.Role.CC, mail.cc)):
            for person in people:
                if person.email in ours or person.email == customer:
                    continue
                participant_add(ticket=ctx.ticket, email=person.email, name=person.name, role=role)
