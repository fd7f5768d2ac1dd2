"""The one door in: ``ingest_raw`` stores the exact bytes durably, then processing follows.

Every edge (SMTP/LMTP listener, IMAP poller, MTA pipe, HTTP intake, importer) calls this and
acknowledges only after it returns: the row is committed by then. Processing is scheduled
``on_commit``, so a crash after the acknowledgement loses nothing: the row is still
``received`` and the sweep picks it up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ventanilla.mail.models import InboundMessage
from ventanilla.mail.selectors import mailbox_for_recipients


@dataclass(frozen=True)
class IngestResult:
    """The stored row, and whether this call stored it (False: the same bytes were known)."""

    inbound: InboundMessage
    created: bool


def ingest_raw(
    raw_bytes: bytes,
    *,
    source: str,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    send_ack: bool = True,
    process: bool = True,
) -> IngestResult:
    """Store ``raw_bytes`` (idempotently, by sha256) and schedule its processing after commit.

    ``send_ack=False`` is for history (imports): the message becomes a ticket or article but
    nobody is mailed. ``process=False`` leaves scheduling to the caller (batch importers).
    Raises only when the bytes could not be stored; the edge must then answer temporarily.
    """
    digest = hashlib.sha256(raw_bytes).hexdigest()
    existing = InboundMessage.objects.filter(sha256=digest).first()
    if existing is not None:
        return IngestResult(existing, created=False)
    recipients = [r.strip() for r in envelope_to if r.strip()]
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                sha256=digest,
                raw=raw_bytes,
                size=len(raw_bytes),
                source=source,
                envelope_from=envelope_from[:998],
                envelope_to=recipients,
                mailbox=mailbox_for_recipients(recipients),
                send_ack=send_ack,
            )
            if process:
                inbound_id = inbound.pk
                transaction.on_commit(lambda: _schedule(inbound_id))
    except IntegrityError:
        # Another connection stored the same bytes between our check and our insert.
        return IngestResult(InboundMessage.objects.get(sha256=digest), created=False)
    return IngestResult(inbound, created=True)


def _schedule(inbound_id: int) -> None:
    from ventanilla.mail.tasks import process_inbound

    process_inbound(inbound_id)
