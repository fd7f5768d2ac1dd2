"""Writes on inbound messages: run the pipeline on one, quarantine, count attempts, reprocess."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ventanilla.core.text import db_safe
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.mail.selectors import mailbox_default
from ventanilla.pipeline.context import ArchiveRun, Context, Outcome
from ventanilla.pipeline.runner import run_pipeline
from ventanilla.tickets.events import events_batched

log = logging.getLogger(__name__)

_STATE_FOR_OUTCOME = {
    Outcome.PROCESSED: InboundState.PROCESSED,
    Outcome.IGNORED: InboundState.IGNORED,
    Outcome.DUPLICATE: InboundState.DUPLICATE,
    Outcome.QUARANTINED: InboundState.QUARANTINED,
}


@dataclass(frozen=True)
class ProcessResult:
    """How processing one message ended: its state, and the ticket it opened or joined.

    ``imported_as`` tells the importer what the import steps made of the message
    (``"agent-reply"``, ``"deferred"`` or ``""``); ``history_settled`` that it gave its
    ticket the history status.
    """

    state: str
    ticket_number: str = ""
    created_ticket: bool = False
    imported_as: str = ""
    history_settled: bool = False


def inbound_process(*, inbound_id: int) -> str:
    """Run the pipeline on a ``received`` message in one transaction; return its new state."""
    return inbound_process_detailed(inbound_id=inbound_id).state


def inbound_process_detailed(
    *, inbound_id: int, archive: ArchiveRun | None = None
) -> ProcessResult:
    """Like ``inbound_process``, also telling whether a ticket was opened (for importers).

    ``archive`` is what the import pipeline is told about a running import (its agents,
    whether orphans may wait); it is given only by the importer.

    Any exception rolls the whole message back and sends it to quarantine with the error,
    so a poison message never blocks the others. Database errors are re-raised instead:
    they are the system's fault, and the message stays ``received`` for a retry.
    """
    try:
        return _process_atomically(inbound_id, archive)
    except DatabaseError:
        raise
    except Exception as exc:
        log.warning("inbound %s quarantined: %s", inbound_id, exc)
        inbound_quarantine(inbound_id=inbound_id, error=traceback.format_exc())
        return ProcessResult(InboundState.QUARANTINED)


@transaction.atomic
def _process_atomically(inbound_id: int, archive: ArchiveRun | None) -> ProcessResult:
    inbound = _locked_with_mailbox().filter(pk=inbound_id).first()
    if inbound is None or inbound.state != InboundState.RECEIVED:
        return ProcessResult(inbound.state if inbound else "missing")
    return inbound_process_stored(inbound=inbound, archive=archive)


def inbound_process_stored(
    *, inbound: InboundMessage, archive: ArchiveRun | None = None
) -> ProcessResult:
    """Run the pipeline on ``inbound``, a ``received`` row the caller holds in its transaction.

    For a writer that stored the row itself in the open transaction (the importer's group
    of messages): its bytes are not read back, and no savepoint is taken, so any exception
    leaves the caller's transaction to be rolled back: the caller then processes the group
    again one message at a time (``inbound_process_detailed``), so that only the bad
    message is quarantined. The audit rows of the pipeline's steps are written together
    (``events_batched``; for a whole group when the caller opens the block around it).
    """
    mailbox = inbound.mailbox or mailbox_default()
    if mailbox is None:
        msg = "no mailbox is configured"
        raise RuntimeError(msg)
    ctx = Context(inbound=inbound, mailbox=mailbox, raw=bytes(inbound.raw), archive=archive)
    with events_batched():
        run_pipeline(ctx)
        _record(ctx)
    number = ctx.ticket.number if ctx.ticket is not None else ""
    return ProcessResult(
        inbound.state, number, ctx.created_ticket, ctx.imported_as, ctx.history_settled
    )


def _locked_with_mailbox() -> QuerySet[InboundMessage]:
    """Messages read with their mailbox in one query, locking only the message rows.

    ``FOR UPDATE OF`` where the database has it (PostgreSQL): a plain ``FOR UPDATE`` would
    lock the joined mailbox row too and serialise every worker on it. SQLite locks the
    whole database for a write transaction anyway and has neither.
    """
    query = InboundMessage.objects.select_related("mailbox")
    if connection.features.has_select_for_update_of:
        return query.select_for_update(of=("self",))
    return query.select_for_update()


class _GroupFailedError(Exception):
    """A message of a group raised: the group's transaction is rolled back."""


def inbound_process_group(*, inbound_ids: list[int]) -> list[str] | None:
    """Process messages stored together (an SMTP group commit) in ONE transaction.

    One read of the rows (bytes and mailbox), no savepoint per message, one commit (one
    fsync on SQLite) and one ``INSERT`` of the audit rows for the whole group; each message
    still goes through the whole pipeline, in order, seeing the ones before it. Returns
    the new state of each message, or None when any of them raised: then nothing was
    written, and the caller processes them one by one (``inbound_process``), so that only
    the bad message is quarantined. The raw bytes were committed before (``ingest_raw``):
    rolling a group back loses nothing.
    """
    try:
        with transaction.atomic(), events_batched():
            rows = {row.pk: row for row in _locked_with_mailbox().filter(pk__in=inbound_ids)}
            states = []
            for inbound_id in inbound_ids:
                row = rows.get(inbound_id)
                if row is None or row.state != InboundState.RECEIVED:
                    states.append(row.state if row is not None else "missing")
                    continue
                try:
                    states.append(inbound_process_stored(inbound=row).state)
                except Exception as exc:  # any message's fault: redone one by one
                    raise _GroupFailedError from exc
    except _GroupFailedError as exc:
        log.info("group of %d rolled back (%r): one by one", len(inbound_ids), exc.__cause__)
        return None
    return states


def _record(ctx: Context) -> None:
    inbound = ctx.inbound
    parsed = ctx.mail
    inbound.mailbox = ctx.mailbox
    inbound.state = _STATE_FOR_OUTCOME[ctx.outcome]
    inbound.rule_hits = ctx.rule_hits
    inbound.reasons = db_safe(ctx.reasons)
    inbound.authentication = ctx.authentication
    inbound.ticket = ctx.ticket
    inbound.processed_at = timezone.now()
    inbound.error = db_safe("; ".join(ctx.reasons)) if ctx.outcome is Outcome.QUARANTINED else ""
    if parsed is not None:
        inbound.message_id = db_safe(parsed.message_id[:998])
        inbound.sender = db_safe(parsed.sender.email[:320] if parsed.sender else "")
        inbound.subject = db_safe(parsed.subject[:998])
    inbound.save(
        update_fields=[
            "mailbox",
            "state",
            "rule_hits",
            "reasons",
            "authentication",
            "ticket",
            "processed_at",
            "error",
            "message_id",
            "sender",
            "subject",
            "content_sha256",
        ]
    )


@transaction.atomic
def inbound_quarantine(*, inbound_id: int, error: str) -> None:
    """Put a message in quarantine with ``error`` (it keeps its raw bytes)."""
    InboundMessage.objects.filter(pk=inbound_id).update(
        state=InboundState.QUARANTINED, error=db_safe(error[-20000:]), processed_at=timezone.now()
    )


@transaction.atomic
def inbound_mark_attempt(*, inbound_id: int, max_attempts: int) -> bool:
    """Count one more attempt at a stuck message; quarantine it past ``max_attempts``.

    Returns True when the message may be tried again. Called by the sweep for messages
    whose processing was interrupted (worker killed), so a message that kills the worker
    cannot loop forever.
    """
    inbound = InboundMessage.objects.select_for_update().filter(pk=inbound_id).first()
    if inbound is None or inbound.state != InboundState.RECEIVED:
        return False
    inbound.attempts += 1
    if inbound.attempts > max_attempts:
        inbound.state = InboundState.QUARANTINED
        inbound.error = f"processing was interrupted {max_attempts} times"
        inbound.save(update_fields=["attempts", "state", "error"])
        return False
    inbound.save(update_fields=["attempts"])
    return True


@transaction.atomic
def inbound_requeue(*, inbound_id: int) -> bool:
    """Send a quarantined message back to ``received`` so it is processed again."""
    updated = InboundMessage.objects.filter(pk=inbound_id, state=InboundState.QUARANTINED).update(
        state=InboundState.RECEIVED, attempts=0, error=""
    )
    return updated == 1
