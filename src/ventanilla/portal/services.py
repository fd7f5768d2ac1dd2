"""What the ticket page does: hand the customer's answer to the same door as mail."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundSource
from ventanilla.outbound.kinds.reply import reply_attachments
from ventanilla.portal.compose import portal_reply_message
from ventanilla.tickets.models import Ticket


def portal_reply_send(
    *, ticket: Ticket, text: str, files: Sequence[UploadedFile[bytes]] = ()
) -> int:
    """Store the customer's answer as a mail from him to the ticket's mailbox; return its row.

    Processing (threading, article, state change) happens in the worker, as for mail.
    Raises ``ValidationError`` for attachments over the size limit, and whatever storing
    raised when the bytes could not be stored (the page then asks to try again).
    """
    raw = portal_reply_message(ticket=ticket, text=text, attachments=reply_attachments(files))
    result = ingest_raw(
        raw,
        source=InboundSource.PORTAL,
        envelope_from=ticket.customer.email,
        envelope_to=[ticket.mailbox.address],
    )
    return result.inbound.pk
