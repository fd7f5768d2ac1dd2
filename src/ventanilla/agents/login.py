"""Login rate limiting: failed attempts per username and per IP address, kept in the database.

The limits hold for every web process at once (the rows are shared). While a username or
address is locked, even the right password is refused, so guessing cannot confirm a hit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ventanilla.agents.models import LoginAttempt

WINDOW = timedelta(minutes=15)
MAX_PER_USERNAME = 5
MAX_PER_IP = 20


@dataclass(frozen=True)
class LoginLock:
    """Whether a login may be tried now; if not, for how many minutes more."""

    locked: bool
    minutes: int = 0


def _recent(now: datetime) -> QuerySet[LoginAttempt]:
    return LoginAttempt.objects.filter(at__gt=now - WINDOW)


def _wait(rows: QuerySet[LoginAttempt], limit: int, now: datetime) -> int:
    """Minutes until fewer than ``limit`` of ``rows`` remain in the window (0 = not locked)."""
    if rows.count() < limit:
        return 0
    # The lock lifts when the oldest attempt that still counts leaves the window.
    times = list(rows.order_by("-at").values_list("at", flat=True)[:limit])
    oldest = times[-1]
    seconds = (oldest + WINDOW - now).total_seconds()
    return max(1, math.ceil(seconds / 60))


def login_lock(*, username: str, ip: str | None, now: datetime | None = None) -> LoginLock:
    """Return whether logins for ``username`` or from ``ip`` are locked right now."""
    now = now or timezone.now()
    recent = _recent(now)
    minutes = _wait(recent.filter(username=username.strip().lower()), MAX_PER_USERNAME, now)
    if ip:
        minutes = max(minutes, _wait(recent.filter(ip=ip), MAX_PER_IP, now))
    return LoginLock(locked=minutes > 0, minutes=minutes)


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> LoginAttempt:
    """Record a failed login; rows older than a day are pruned so the table stays small."""
    now = timezone.now()
    LoginAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return LoginAttempt.objects.create(username=username.strip().lower()[:150], ip=ip or None)


@transaction.atomic
def login_success_record(*, username: str) -> int:
    """Forget the failures of ``username`` after a successful login; return how many."""
    deleted, _ = LoginAttempt.objects.filter(username=username.strip().lower()).delete()
    return deleted
