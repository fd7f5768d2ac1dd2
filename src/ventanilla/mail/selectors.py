"""Reads on mail models."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from ventanilla.mail.models import (
    BlockedSender,
    ImapAccount,
    InboundMessage,
    InboundState,
    Mailbox,
    MailboxNotice,
    OutboundMessage,
    OutboundState,
)

# Mailboxes change rarely and are read several times per message (recipient routing, loop
# checks, participants, the ack), so the active set is cached briefly per process. Saving or
# deleting a mailbox here clears it (signals in apps.py); other processes see it within
# _MAILBOX_TTL seconds.
_MAILBOX_TTL = 5.0
_mailbox_cache: tuple[float, list[Mailbox]] | None = None


def mailboxes_cached() -> list[Mailbox]:
    """Return every mailbox (active or not), from a short-lived per-process cache."""
    global _mailbox_cache
    now = time.monotonic()
    if _mailbox_cache is None or now - _mailbox_cache[0] > _MAILBOX_TTL:
        _mailbox_cache = (now, list(Mailbox.objects.order_by("pk")))
    return _mailbox_cache[1]


_blocked_cache: tuple[float, list[str]] | None = None


def blocked_patterns() -> list[str]:
    """Return the blocked-sender patterns, from a short-lived per-process cache."""
    global _blocked_cache
    now = time.monotonic()
    if _blocked_cache is None or now - _blocked_cache[0] > _MAILBOX_TTL:
        _blocked_cache = (now, list(BlockedSender.objects.values_list("pattern", flat=True)))
    return _blocked_cache[1]


def mailbox_cache_clear(**_: object) -> None:
    """Forget cached mailboxes and blocked senders (connected to their save/delete signals)."""
    global _mailbox_cache, _blocked_cache
    _mailbox_cache = None
    _blocked_cache = None


def mailbox_for_recipients(recipients: Iterable[str]) -> Mailbox | None:
    """Return the first active mailbox among ``recipients`` (case-insensitive), or None."""
    wanted = [r.strip().lower() for r in recipients if r and "@" in r]
    if not wanted:
        return None
    by_address = {m.address.lower(): m for m in mailboxes_cached() if m.active}
    for address in wanted:
        if address in by_address:
            return by_address[address]
    return None


def mailbox_exists(address: str) -> bool:
    """Return True when a mailbox (active or not) has exactly the address ``address``."""
    return Mailbox.objects.filter(address=address).exists()


def mailbox_by_address(address: str) -> Mailbox | None:
    """Return the mailbox (active or not) whose address is ``address`` in any case, or None."""
    return Mailbox.objects.filter(address__iexact=address).first()


def mailbox_prefixes() -> set[str]:
    """Return the ticket-number prefix of every mailbox."""
    return set(Mailbox.objects.values_list("prefix", flat=True))


def mailbox_size_limit(address: str) -> int | None:
    """Return the largest message ``address`` accepts, or None if it is no active mailbox.

    The smaller of the mailbox's ``max_message_bytes`` and ``VENTANILLA_MAX_MESSAGE_BYTES``;
    read from the database (not the cache) because it doubles as the RCPT check.
    """
    found = (
        Mailbox.objects.filter(address__iexact=address.strip(), active=True)
        .values_list("max_message_bytes", flat=True)
        .first()
    )
    if found is None:
        return None
    return min(found, settings.VENTANILLA_MAX_MESSAGE_BYTES)


def mailbox_size_limit_cached(address: str) -> int | None:
    """Like ``mailbox_size_limit`` from the mailbox cache only: never queries the database.

    None when the cache is cold or does not list ``address`` as active; the caller then asks
    the database (a mailbox created in another process is not refused for up to
    ``_MAILBOX_TTL`` seconds). Safe on an event loop: no I/O.
    """
    cached = _mailbox_cache
    if cached is None or time.monotonic() - cached[0] > _MAILBOX_TTL:
        return None
    wanted = address.strip().lower()
    for mailbox in cached[1]:
        if mailbox.active and mailbox.address.lower() == wanted:
            return min(mailbox.max_message_bytes, settings.VENTANILLA_MAX_MESSAGE_BYTES)
    return None


def mailbox_by_key(key: str) -> Mailbox | None:
    """Return the active mailbox whose address or ticket prefix is ``key`` (HTTP intake)."""
    key = key.strip()
    if not key:
        return None
    field = "address__iexact" if "@" in key else "prefix__iexact"
    return Mailbox.objects.filter(active=True, **{field: key}).first()


def mailbox_default() -> Mailbox | None:
    """Return the mailbox for mail whose recipients name none (the first active one)."""
    return next((m for m in mailboxes_cached() if m.active), None)


def mailbox_addresses() -> set[str]:
    """Return every mailbox address, lowercased (our own addresses, for loop checks)."""
    return {m.address.lower() for m in mailboxes_cached()}


def inbound_exists_from(*, mailbox: Mailbox, source: str) -> bool:
    """Return True when any message from ``source`` was ever stored for ``mailbox``."""
    return InboundMessage.objects.filter(mailbox=mailbox, source=source).exists()


def inbound_stuck(*, older_than_seconds: int = 60) -> list[int]:
    """Return ids of messages still ``received`` after ``older_than_seconds`` (lost tasks)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        InboundMessage.objects.filter(state=InboundState.RECEIVED, received_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def inbound_quarantined_ids() -> list[int]:
    """Return the ids of every quarantined message, oldest first."""
    return list(
        InboundMessage.objects.filter(state=InboundState.QUARANTINED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def inbound_quarantine_reason(*, inbound_id: int) -> str:
    """Return the last line of a quarantined message's error (a traceback ends with it)."""
    error = (
        InboundMessage.objects.filter(pk=inbound_id).values_list("error", flat=True).first() or ""
    )
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def inbound_health_figures() -> dict[str, Any]:
    """Return, in one query, ``received`` (waiting), ``oldest`` (the first) and ``quarantined``."""
    return InboundMessage.objects.aggregate(
        received=Count("pk", filter=Q(state=InboundState.RECEIVED)),
        oldest=Min("received_at", filter=Q(state=InboundState.RECEIVED)),
        quarantined=Count("pk", filter=Q(state=InboundState.QUARANTINED)),
    )


def outbound_health_figures() -> dict[str, Any]:
    """Return, in one query, ``queued``, ``oldest`` (its created_at) and ``failed`` outbox rows."""
    return OutboundMessage.objects.aggregate(
        queued=Count("pk", filter=Q(state=OutboundState.QUEUED)),
        oldest=Min("created_at", filter=Q(state=OutboundState.QUEUED)),
        failed=Count("pk", filter=Q(state=OutboundState.FAILED)),
    )


def imap_accounts_by_name() -> list[ImapAccount]:
    """Return every IMAP account, enabled or not, by name."""
    return list(ImapAccount.objects.order_by("name"))


def mailbox_notice_active(*, mailbox: Mailbox, at: datetime) -> MailboxNotice | None:
    """Return the notice of ``mailbox`` in force at ``at`` (the latest started), or None.

    In force means ``starts_at <= at < ends_at``: the end is the first moment it is gone.
    """
    return (
        MailboxNotice.objects.filter(mailbox=mailbox, starts_at__lte=at, ends_at__gt=at)
        .order_by("-starts_at", "-pk")
        .first()
    )
