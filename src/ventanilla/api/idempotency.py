"""``Idempotency-Key`` on POST: the same key and body get the same answer, never a second write.

The first request with a key inserts its record (committed at once, before the work): the
unique (owner, key) constraint lets exactly one of several concurrent duplicates through.
The others find the record and wait for the first one's response, then replay it; a key
reused with another body is refused (422), as the IETF draft "The Idempotency-Key HTTP
Header Field" describes. A server error (5xx) stores nothing: the record is dropped so the
client's retry runs again. Records are kept for ``RETENTION`` and pruned by a periodic task.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ventanilla.api.models import IdempotencyRecord

RETENTION = timedelta(hours=24)
KEY_MAX = 255
# How long a duplicate waits for the first request's answer before it is told to retry.
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Claim:
    """The outcome of presenting a key: run the request (``record`` is ours), or replay one.

    ``conflict`` is set when the key was used for another request body, ``busy`` when the
    first request is still running after the wait.
    """

    record: IdempotencyRecord
    fresh: bool
    conflict: bool = False
    busy: bool = False


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """Return the sha256 that identifies one request (the same key must name the same one)."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _live(owner: str, key: str, now: datetime) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(
        owner=owner, key=key, created_at__gt=now - RETENTION
    ).first()


def _insert(owner: str, key: str, fingerprint: str, now: datetime) -> IdempotencyRecord | None:
    # An expired record of the same key is gone for good: the key may name a new request.
    IdempotencyRecord.objects.filter(owner=owner, key=key, created_at__lte=now - RETENTION).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(owner=owner, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return None


def idempotency_claim(
    *, owner: str, key: str, fingerprint: str, wait_seconds: float = WAIT_SECONDS
) -> Claim:
    """Claim ``key`` for this request, or return the earlier request's finished record."""
    deadline = time.monotonic() + wait_seconds
    while True:
        now = timezone.now()
        record = _insert(owner, key, fingerprint, now)
        if record is not None:
            return Claim(record=record, fresh=True)
        existing = _live(owner, key, now)
        if existing is None:
            continue  # dropped after a server error, or just expired: try to claim again
        if existing.fingerprint != fingerprint:
            return Claim(record=existing, fresh=False, conflict=True)
        if existing.status is not None:
            return Claim(record=existing, fresh=False)
        if time.monotonic() >= deadline:
            return Claim(record=existing, fresh=False, busy=True)
        time.sleep(POLL_SECONDS)


@transaction.atomic
def idempotency_complete(
    *, record: IdempotencyRecord, status: int, content_type: str, body: bytes, location: str = ""
) -> None:
    """Store the response of the request that claimed ``record`` (a 5xx drops the record)."""
    if status >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=status, content_type=content_type[:100], body=body, location=location[:500]
    )


@transaction.atomic
def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Drop the claim of a request that failed before it produced a response."""
    IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()


@transaction.atomic
def idempotency_prune(*, now: datetime | None = None) -> int:
    """Delete the records older than ``RETENTION``; return how many."""
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lte=now - RETENTION).delete()
    return deleted
