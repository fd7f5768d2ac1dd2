"""Writes on inbound messages: run the pipeline on one, quarantine, count attempts, reprocess."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from ventanilla.core.text import db_safe
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.mail.selectors import mailbox_default
from ventanilla.pipeline.context import ArchiveRun, Context, Outcome
from ventanilla.pipeline.runner import run_pipeline

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
    (``"agent-reply"``, ``"deferred"`` or ``""``).
    """

    state: str
    ticket_number: str = ""
    created_ticket: bool = False
    imported_as: str = ""


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
    inbound = InboundMessage.objects.select_for_update().filter(pk=inbound_id).first()
    if inbound is None or inbound.state != InboundState.RECEIVED:
        return ProcessResult(inbound.state if inbound else "missing")
    mailbox = inbound.mailbox or mailbox_default()
    if mailbox is None:
        msg = "no mailbox is configured"
        raise RuntimeError(msg)
    ctx = Context(inbound=inbound, mailbox=mailbox, raw=bytes(inbound.raw), archive=archive)
    run_pipeline(ctx)
    _record(ctx)
    number = ctx.ticket.number if ctx.ticket is not None else ""
    return ProcessResult(inbound.state, number, ctx.created_ticket, ctx.imported_as)


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
