"""Which event types any active subscription wants, cached per process for a few seconds.

The outbox listener runs for every audit row, so for every ingested message; with no
subscription (the common case) it must cost nothing. The answer is kept ``TTL_SECONDS`` per
process; this process's own subscription writes clear it at once and again after they
commit. Another process learns of a new subscription within ``TTL_SECONDS``: events it
records before then are not sent to it (a subscription starts at most that late).

A stale "yes" costs one query; the deliveries themselves are always written from the
subscriptions read inside the event's transaction, never from this cache, so a subscription
deleted elsewhere can never be referenced by a new delivery.
"""

from __future__ import annotations

import threading
import time

from ventanilla.webhooks.models import WebhookSubscription

TTL_SECONDS = 5.0

_lock = threading.Lock()
_cached: tuple[float, frozenset[str]] | None = None


def wanted_event_types() -> frozenset[str]:
    """Return the union of the event types of every active subscription (cached)."""
    global _cached
    snapshot = _cached
    now = time.monotonic()
    if snapshot is not None and now - snapshot[0] < TTL_SECONDS:
        return snapshot[1]
    types: set[str] = set()
    for chosen in WebhookSubscription.objects.filter(active=True).values_list(
        "event_types", flat=True
    ):
        types.update(chosen or ())
    wanted = frozenset(types)
    with _lock:
        _cached = (now, wanted)
    return wanted


def subscription_cache_clear(**_: object) -> None:
    """Forget the snapshot (connected to the subscriptions' save/delete signals; tests)."""
    global _cached
    with _lock:
        _cached = None
