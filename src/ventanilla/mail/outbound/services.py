"""Writes on the outbox: queue a mail with the change that caused it, retry one now.

The outbox pattern: ``outbound_queue`` writes the ``OutboundMessage`` row (the exact bytes
to send) in the caller's transaction, and asks for sending only once that transaction has
committed. A rolled-back ticket therefore never mails anyone, and a committed one always
has its mail on disk, even if the worker dies before sending it (``outbox_flush`` recovers).
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import parseaddr

from django.db import transaction

from ventanilla.mail.models import Mailbox, OutboundMessage, OutboundState
from ventanilla.mail.outbound.compose import compose_message, new_message_id, one_line
from ventanilla.tickets.models import Ticket


@transaction.atomic
def outbound_queue(
    *,
    mailbox: Mailbox,
    ticket: Ticket | None,
    kind: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    text: str,
    html: str = "",
    in_reply_to: str = "",
    references: Sequence[str] = (),
    automatic: bool = False,
    language: str = "",
) -> OutboundMessage:
    """Compose a mail, store it as a ``queued`` outbox row, and send it after commit.

    ``to``/``cc`` are addresses (``a@b.es`` or ``Name <a@b.es>``); ``references`` is the
    complete References list (see ``compose.references_chain``). The Message-ID is signed
    with the ticket number, so replies thread back to ``ticket``.
    """
    message_id = new_message_id(mailbox=mailbox, ticket_number=ticket.number if ticket else "")
    raw = compose_message(
        mailbox=mailbox,
        message_id=message_id,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        in_reply_to=in_reply_to,
        references=references,
        automatic=automatic,
        language=language,
    )
    outbound = OutboundMessage.objects.create(
        mailbox=mailbox,
        ticket=ticket,
        kind=kind,
        envelope_from=mailbox.address,
        recipients=_envelope_recipients([*to, *cc]),
        subject=one_line(subject, 998),
        message_id=message_id,
        raw=raw,
        state=OutboundState.QUEUED,
    )
    outbound_id = outbound.pk
    transaction.on_commit(lambda: outbound_schedule(outbound_id=outbound_id))
    return outbound


@transaction.atomic
def outbound_retry_now(*, outbound_id: int) -> bool:
    """Put a queued or failed mail back in the queue, due now (the admin's "Retry now").

    A failed mail gets a fresh attempt budget. Returns False for a mail already sent.
    """
    updated = (
        OutboundMessage.objects.filter(pk=outbound_id)
        .exclude(state=OutboundState.SENT)
        .update(state=OutboundState.QUEUED, attempts=0, next_attempt_at=None)
    )
    if updated:
        transaction.on_commit(lambda: outbound_schedule(outbound_id=outbound_id))
    return updated == 1


def outbound_schedule(*, outbound_id: int, delay: float = 0) -> None:
    """Hand one outbox row to the worker, now or after ``delay`` seconds."""
    from ventanilla.mail.outbound.tasks import outbox_send

    if delay > 0:
        outbox_send.schedule((outbound_id,), delay=delay)
    else:
        outbox_send(outbound_id)


def _envelope_recipients(addresses: Sequence[str]) -> list[str]:
    """Return the bare addresses for RCPT TO, each once (case-insensitively), in order.

    The case is kept: RFC 5321 §2.4 leaves the local part's case to the destination host.
    """
    result: list[str] = []
    seen: set[str] = set()
    for value in addresses:
        email = parseaddr(value)[1].strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            result.append(email)
    return result
