"""Send one outbox row through the relay (or into the local outbox folder), with retries.

Sending happens in three short steps, never inside one long transaction:

1. **claim** (a row lock; ``SKIP LOCKED`` on PostgreSQL, SQLite's IMMEDIATE transactions
   serialise writers): check the row is ``queued`` and due, count the attempt and take a
   short lease (``leased_until``, also moving ``next_attempt_at`` past it), so no other
   worker picks it up while we talk SMTP;
2. **transmit** with no transaction open: holding a write transaction across network I/O
   would lock the whole SQLite database (and with it mail intake) for up to the SMTP
   timeout. Meanwhile a heartbeat thread renews the lease every ``HEARTBEAT_SECONDS``,
   however long the conversation lasts;
3. **record** the outcome: ``sent``; or a temporary failure with exponential backoff; or a
   permanent failure (``failed``, shown in the admin).

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
import os
import random
import smtplib
import ssl
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ventanilla.config import Relay
from ventanilla.mail.models import OutboundMessage, OutboundState
from ventanilla.outbound import lease
from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket

log = logging.getLogger(__name__)

# 30 s, 1 min, 2 min ... capped at 1 h: 30 attempts span about a day, like an MTA's queue.
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
MAX_ATTEMPTS = 30
# A delayed task may fire a little before the stored time (clock skew between processes).
DUE_TOLERANCE_SECONDS = 5


class TemporaryDeliveryError(Exception):
    """The relay or the network failed; the same mail may well go through later (4xx)."""


class PermanentDeliveryError(Exception):
    """The relay refused this mail for good (5xx, every recipient refused)."""


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
            refused = _transmit(row, settings.VENTANILLA_RELAY)
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


def _transmit(row: OutboundMessage, relay: Relay) -> dict[str, tuple[int, bytes]]:
    """Hand the bytes over; return the recipients the relay refused (some, never all)."""
    if not relay.host:
        _write_to_folder(row, Path(settings.VENTANILLA_OUTBOX_DIR))
        return {}
    try:
        return _smtp_send(row, relay)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = {code for code, _msg in exc.recipients.values()}
        detail = _refusals(exc.recipients)
        if all(code >= 500 for code in codes):
            raise PermanentDeliveryError(f"all recipients refused: {detail}") from exc
        raise TemporaryDeliveryError(f"recipients deferred: {detail}") from exc
    except (smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError) as exc:
        # The relay's greeting or our credentials: a configuration problem, not this mail's.
        raise TemporaryDeliveryError(_describe(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        # RFC 5321 §4.2.1: 4yz is a transient negative reply, 5yz a permanent one.
        if exc.smtp_code >= 500:
            raise PermanentDeliveryError(_describe(exc)) from exc
        raise TemporaryDeliveryError(_describe(exc)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Refused connection, timeout, DNS, TLS, SMTPServerDisconnected: try again later.
        raise TemporaryDeliveryError(_describe(exc)) from exc


def _smtp_send(row: OutboundMessage, relay: Relay) -> dict[str, tuple[int, bytes]]:
    smtp = smtplib.SMTP(relay.host, relay.port, timeout=relay.timeout)
    try:
        if relay.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if relay.user:
            smtp.login(relay.user, relay.password)
        raw = bytes(row.raw)
        recipients = list(row.recipients)
        options = mail_options(row, raw, recipients)
        if options:
            smtp.ehlo_or_helo_if_needed()
            if not smtp.has_extn("smtputf8"):
                # A non-ASCII local part has no ASCII form to fall back to (RFC 6530 §7
                # downgrading needs one), so this relay can never send it.
                msg = f"the relay does not offer SMTPUTF8 (RFC 6531), needed for {recipients}"
                raise PermanentDeliveryError(msg)
        return smtp.sendmail(row.envelope_from, recipients, raw, mail_options=options)
    finally:
        # Once DATA was accepted, a failing QUIT must not turn into a retry (a duplicate).
        _close_quietly(smtp)


def mail_options(row: OutboundMessage, raw: bytes, recipients: list[str]) -> list[str]:
    """Return the MAIL FROM parameters this message needs: ``SMTPUTF8`` or nothing.

    Decided per message: only mail with a non-ASCII address in its envelope or headers
    (RFC 6531 §3.4, RFC 6532) asks for it, so a relay without SMTPUTF8 still sends the rest.
    ``compose`` keeps everything else ASCII (RFC 2047 words, quoted-printable bodies).
    """
    envelope = [row.envelope_from, *recipients]
    if raw.isascii() and all(address.isascii() for address in envelope):
        return []
    return ["SMTPUTF8"]


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _write_to_folder(row: OutboundMessage, folder: Path) -> None:
    """Deliver into ``folder`` as one ``.eml`` per mail: write a temp file, then rename.

    The rename is atomic, so a reader never sees half a message; the name is stable, so a
    second delivery of the same row replaces the file instead of adding one.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{row.created_at:%Y%m%dT%H%M%SZ}-{row.pk:08d}.eml"
        tmp = folder / f".{name}.tmp"
        with tmp.open("wb") as handle:
            handle.write(bytes(row.raw))
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(folder / name)
    except OSError as exc:
        raise TemporaryDeliveryError(f"outbox folder {folder}: {exc}") from exc


@transaction.atomic
def _record_sent(row: OutboundMessage, refused: dict[str, tuple[int, bytes]]) -> str:
    note = f"refused by the relay (the others were accepted): {_refusals(refused)}"
    OutboundMessage.objects.filter(pk=row.pk, state=OutboundState.QUEUED).update(
        state=OutboundState.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        leased_until=None,
        last_error=note if refused else "",
    )
    return OutboundState.SENT


@transaction.atomic
def _record_temporary(row: OutboundMessage, error: str) -> str:
    if row.attempts >= MAX_ATTEMPTS:
        log.warning("outbound %s failed after %s attempts: %s", row.pk, row.attempts, error)
        return _record_permanent(row, f"gave up after {row.attempts} attempts; last: {error}")
    delay = retry_delay(row.attempts)
    OutboundMessage.objects.filter(pk=row.pk, state=OutboundState.QUEUED).update(
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        leased_until=None,
        last_error=error[:5000],
    )
    log.info("outbound %s: temporary failure, retry in %.0f s: %s", row.pk, delay, error)
    outbound_id = row.pk
    transaction.on_commit(lambda: _schedule_retry(outbound_id, delay))
    return OutboundState.QUEUED


@transaction.atomic
def _record_permanent(row: OutboundMessage, error: str) -> str:
    log.warning("outbound %s failed permanently: %s", row.pk, error)
    updated = OutboundMessage.objects.filter(pk=row.pk, state=OutboundState.QUEUED).update(
        state=OutboundState.FAILED, next_attempt_at=None, leased_until=None, last_error=error[:5000]
    )
    # On the ticket too: the agents must learn that the customer did not get this mail.
    ticket = Ticket.objects.filter(pk=row.ticket_id).first() if row.ticket_id else None
    if updated and ticket is not None:
        events.ticket_outbound_failed_event(ticket=ticket, outbound_id=row.pk, error=error)
    return OutboundState.FAILED


def _schedule_retry(outbound_id: int, delay: float) -> None:
    from ventanilla.outbound.services import outbound_schedule

    outbound_schedule(outbound_id=outbound_id, delay=delay)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}".strip()
    return f"{type(exc).__name__}: {exc}"


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{rcpt}: {code} {msg.decode('utf-8', 'replace')}" for rcpt, (code, msg) in refused.items()
    )
