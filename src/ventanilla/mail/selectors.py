"""Reads on mail models."""

from __future__ import annotations

from collections.abc import Iterable

from ventanilla.mail.models import InboundMessage, InboundState, Mailbox


def mailbox_for_recipients(recipients: Iterable[str]) -> Mailbox | None:
    """Return the first active mailbox among ``recipients`` (case-insensitive), or None."""
    wanted = [r.strip().lower() for r in recipients if r and "@" in r]
    if not wanted:
        return None
    by_address = {m.address.lower(): m for m in Mailbox.objects.filter(active=True)}
    for address in wanted:
        if address in by_address:
            return by_address[address]
    return None


def mailbox_accepts(address: str) -> bool:
    """Return True when ``address`` is an active mailbox (the SMTP RCPT check)."""
    return Mailbox.objects.filter(address__iexact=address.strip(), active=True).exists()


def mailbox_default() -> Mailbox | None:
    """Return the mailbox for mail whose recipients name none (the first active one)."""
    return Mailbox.objects.filter(active=True).order_by("pk").first()


def mailbox_addresses() -> set[str]:
    """Return every mailbox address, lowercased (our own addresses, for loop checks)."""
    return {a.lower() for a in Mailbox.objects.values_list("address", flat=True)}


def inbound_stuck(*, older_than_seconds: int = 60) -> list[int]:
    """Return ids of messages still ``received`` after ``older_than_seconds`` (lost tasks)."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        InboundMessage.objects.filter(state=InboundState.RECEIVED, received_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
