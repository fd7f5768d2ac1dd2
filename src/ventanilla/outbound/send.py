"""Send one outbox row through the relay (or into the local outbox folder), with retries.

Sending happens in three short steps, never inside one long transaction:

1. **claim** (a row lock; ``SKIP LOCKED`` on PostgreSQL, SQLite's IMMEDIATE transactions
   serialise writers): check the row is ``queued`` and due, count the attempt and take a
   short lease (``leased_until``, also moving ``next_attempt_at`` past it), so no other
   worker picks it up while we talk SMTP;
2. **transmit** (``transport``) with no transaction open: holding a write transaction
   across network I/O would lock the whole SQLite database (and with it mail intake) for up
   to the SMTP timeout. Meanwhile a heartbeat thread renews the lease every
   ``HEARTBEAT_SECONDS``, however long the conversation lasts;
3. **record** the outcome: ``sent``; or a temporary failure with exponential backoff; or a
   permanent failure (``failed``, shown in the admin); and report it in the same
   transaction (``signals.delivery_result``): ``tasks`` schedules the next attempt of a
   deferred mail, the tickets app writes a failure on the ticket.

A row is never sent twice by two workers (the claim), nor again once ``sent``. Like every
mail system, the one gap left is a worker killed between the relay's "250" and step 3: the
relay has the mail, our row still says ``queued``. Nobody renews the lease then, so it
lapses within ``LEASE_SECONDS``, and the outbox sweep, which watches the leases ending
before its next run (``lease.outbound_leases_ending``), sends the row again within a minute of
the crash: the same bytes with the same Message-ID, so the recipient's client can tell
the one duplicate apart (RFC 5322 §3.6.4). A duplicate is better than a lost mail.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ventanilla.mail.models import OutboundMessage, OutboundState
from ventanilla.outbound import lease, signals
from ventanilla.outbound.transport import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    refusals,
    transmit,
)

log = logging.getLogger(__name__)

# 30 s, 1 min, 2 min ... capped at 1 h: 30 attempts span about a day, like an MTA's queue.
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
MAX_ATTEMPTS = 30
# A delayed task may fire a little before the stored time (clock skew between processes).
DUE_TOLERANCE_SECONDS = 5


def retry_delay(attempts: int) -> float:
    """Return the wait in seconds after ``attempts`` failed tries: exponential, with jitter.

    "Equal jitter": between half and all of ``30 s · 2^(attempts-1)`` (capped at an hour), so
    mail queued together during an outage does not hit the relay together when it returns.
    """
    ceiling = float(min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def outbound_due(*, older_than_seconds: int = 10, limit: int = 500) -> list[int]:
    """Return ids of queued rows whose next attempt is due, or never scheduled and older.

    Rows with no ``next_attempt_at`` are normally sent by the task queued on commit; the age
    limit leaves that task time to run, so the sweep only picks up lost ones.
    """
    now = timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lt=now - timedelta(seconds=older_than_seconds)
    )
    return list(
        OutboundMessage.objects.filter(due, state=OutboundState.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbound_deliver(*, outbound_id: int) -> str:
    """Send one queued row if it is due; return its state afterwards (or "skipped").

    Call it outside any transaction (tasks do): the outcome must be committed on its own.
    """
    row = _claim(outbound_id)
    if row is None:
        return "skipped"
    try:
        with lease.Heartbeat(row):
            refused = transmit(row, settings.VENTANILLA_RELAY)
    except TemporaryDeliveryError as exc:
        return _record_temporary(row, str(exc))
    except PermanentDeliveryError as exc:
        return _record_permanent(row, str(exc))
    return _record_sent(row, refused)


@transaction.atomic
def _claim(outbound_id: int) -> OutboundMessage | None:
    # skip_locked: another worker claiming this very row right now wins; we just leave.
    # (SQLite has no row locks and Django ignores select_for_update there.)
    row = (
        OutboundMessage.objects.select_for_update(skip_locked=True)
        .filter(pk=outbound_id, state=OutboundState.QUEUED)
        .first()
    )
    now = timezone.now()
    if row is None:
        return None
    if row.next_attempt_at and row.next_attempt_at > now + timedelta(seconds=DUE_TOLERANCE_SECONDS):
        return None  # backing off, or leased by a worker that is sending it now
    row.attempts += 1
    row.leased_until = row.next_attempt_at = now + timedelta(seconds=lease.LEASE_SECONDS)
    row.save(update_fields=["attempts", "next_attempt_at", "leased_until"])
    return row


@transaction.atomic
def _record_sent(row: OutboundMessage, refused: dict[str, tuple[int, bytes]]) -> str:
    note = (
        f"refused by the relay (the others were accepted): {refusals(refused)}" if refused else ""
    )
    updated = OutboundMessage.objects.filter(pk=row.pk, state=OutboundState.QUEUED).update(
        state=OutboundState.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        leased_until=None,
        last_error=note,
    )
    if updated:
        _report(row, signals.SENT, error=note)
    return OutboundState.SENT


@transaction.atomic
def _record_temporary(row: OutboundMessage, error: str) -> str:
    if row.attempts >= MAX_ATTEMPTS:
        log.warning("outbound %s failed after %s attempts: %s", row.pk, row.attempts, error)
        return _record_permanent(row, f"gave up after {row.attempts} attempts; last: {error}")
    delay = retry_delay(row.attempts)
    updated = OutboundMessage.objects.filter(pk=row.pk, state=OutboundState.QUEUED).update(
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        leased_until=None,
        last_error=error[:5000],
    )
    log.info("outbound %s: temporary failure, retry in %.0f s: %s", row.pk, delay, error)
    if updated:
        _report(row, signals.DEFERRED, error=error, retry_in=delay)
    return OutboundState.QUEUED


@transaction.atomic
def _record_permanent(row: OutboundMessage, error: str) -> str:
    log.warning("outbound %s failed permanently: %s", row.pk, error)
    updated = OutboundMessage.objects.filter(pk=row.pk, state=OutboundState.QUEUED).update(
        state=OutboundState.FAILED, next_attempt_at=None, leased_until=None, last_error=error[:5000]
    )
    if updated:
        # The agents must learn that the customer did not get this mail (tickets listens).
        _report(row, signals.FAILED, error=error)
    return OutboundState.FAILED


def _report(
    row: OutboundMessage, result: str, *, error: str, retry_in: float | None = None
) -> None:
    """Tell the listeners of ``signals.delivery_result``, inside the recording transaction."""
    signals.delivery_result.send(
        sender=OutboundMessage,
        outbound_id=row.pk,
        ticket_id=row.ticket_id,
        kind=row.kind,
        result=result,
        error=error,
        retry_in=retry_in,
    )
