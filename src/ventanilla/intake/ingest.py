"""The one door in: ``ingest_raw`` stores the exact bytes durably, then processing follows.

Every edge (SMTP/LMTP listener, IMAP poller, MTA pipe, HTTP intake, importer) calls this and
acknowledges only after it returns: the row is committed by then. Processing is scheduled
``on_commit``, so a crash after the acknowledgement loses nothing: the row is still
``received`` and the sweep picks it up.

``ingest_raw_many`` is the same door for a group of messages (the SMTP/LMTP group commit,
``sources/group_commit.py``): one transaction, so one fsync, for many concurrent sessions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ventanilla.intake import tasks
from ventanilla.mail.models import InboundMessage
from ventanilla.mail.selectors import mailbox_for_recipients


@dataclass(frozen=True)
class IngestResult:
    """The stored row, and whether this call stored it (False: the same bytes were known)."""

    inbound: InboundMessage
    created: bool


@dataclass(frozen=True)
class RawMail:
    """One message as an edge received it: the exact bytes and the envelope."""

    raw: bytes
    source: str
    envelope_from: str = ""
    envelope_to: tuple[str, ...] = ()


def _new_row(mail: RawMail, digest: str, *, send_ack: bool) -> InboundMessage:
    recipients = [r.strip() for r in mail.envelope_to if r.strip()]
    return InboundMessage(
        sha256=digest,
        raw=mail.raw,
        size=len(mail.raw),
        source=mail.source,
        envelope_from=mail.envelope_from[:998],
        envelope_to=recipients,
        mailbox=mailbox_for_recipients(recipients),
        send_ack=send_ack,
    )


def ingest_raw(
    raw_bytes: bytes,
    *,
    source: str,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    send_ack: bool = True,
    process: bool = True,
    savepoint: bool = True,
) -> IngestResult:
    """Store ``raw_bytes`` (idempotently, by sha256) and schedule its processing after commit.

    ``send_ack=False`` is for history (imports): the message becomes a ticket or article but
    nobody is mailed. ``process=False`` leaves scheduling to the caller (batch importers).
    ``savepoint=False`` is for a caller that writes a group of messages in its own
    transaction and, when any of them fails, rolls the group back and stores them again
    one by one (the importer): then a concurrent insert of the same bytes raises instead of
    being rolled back alone. Raises only when the bytes could not be stored; the edge must
    then answer temporarily.
    """
    digest = hashlib.sha256(raw_bytes).hexdigest()
    # The known row without its bytes: whoever needs them reads them (the worker, once).
    existing = InboundMessage.objects.defer("raw").filter(sha256=digest).first()
    if existing is not None:
        return IngestResult(existing, created=False)
    mail = RawMail(raw_bytes, source, envelope_from, tuple(envelope_to))
    if not savepoint:
        inbound = _new_row(mail, digest, send_ack=send_ack)
        inbound.save(force_insert=True)
        if process:
            inbound_id = inbound.pk
            transaction.on_commit(lambda: _schedule([inbound_id]))
        return IngestResult(inbound, created=True)
    try:
        with transaction.atomic():
            inbound = _new_row(mail, digest, send_ack=send_ack)
            inbound.save(force_insert=True)
            if process:
                inbound_id = inbound.pk
                transaction.on_commit(lambda: _schedule([inbound_id]))
    except IntegrityError:
        # Another connection stored the same bytes between our check and our insert.
        return IngestResult(InboundMessage.objects.get(sha256=digest), created=False)
    return IngestResult(inbound, created=True)


def ingest_raw_many(
    mails: Sequence[RawMail], *, send_ack: bool = True, process: bool = True
) -> list[IngestResult]:
    """Store every mail in ONE transaction; return one result per mail, in order.

    Per message the semantics of ``ingest_raw``: bytes already stored (or repeated within
    ``mails``) are not stored again (``created=False``, the existing row), each new row gets
    its mailbox from its recipients, and processing is scheduled after the commit (one queue
    entry for the whole group). All or nothing: any failure raises and stores none of them,
    so the caller can retry them one by one with ``ingest_raw``.
    """
    digests = [hashlib.sha256(mail.raw).hexdigest() for mail in mails]
    known_rows = InboundMessage.objects.defer("raw").filter(sha256__in=set(digests))
    rows = {row.sha256: row for row in known_rows}
    known = set(rows)
    new: dict[str, InboundMessage] = {}
    for mail, digest in zip(mails, digests, strict=True):
        if digest not in rows and digest not in new:
            new[digest] = _new_row(mail, digest, send_ack=send_ack)
    if new:
        with transaction.atomic():
            # bulk_create sets the primary keys on both backends (RETURNING), one statement.
            created = InboundMessage.objects.bulk_create(list(new.values()))
            if process:
                ids = [row.pk for row in created]
                # robust: once committed the bytes are ours and the edge must say 250; a lost
                # queue entry leaves the rows ``received``, and ``inbound_sweep`` runs them.
                transaction.on_commit(lambda: _schedule(ids), robust=True)
        rows.update(new)
    results = []
    for digest in digests:
        # The first occurrence of new bytes is the one that stored them.
        fresh = digest not in known
        known.add(digest)
        results.append(IngestResult(rows[digest], created=fresh))
    return results


def _schedule(inbound_ids: list[int]) -> None:
    if len(inbound_ids) == 1:
        tasks.process_inbound(inbound_ids[0])
    else:
        tasks.process_inbound_many(inbound_ids)
