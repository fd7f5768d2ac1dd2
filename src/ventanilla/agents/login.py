"""Login rate limiting: failed attempts per username and per IP address, kept in the database.

The limits hold for every web process at once (the rows are shared). While a username or
address is locked, even the right password is refused, so guessing cannot confirm a hit.

They are enforced by the authentication backend (``RateLimitedModelBackend``), not by one
form: every caller of ``django.contrib.auth.authenticate`` (the workspace login, the admin
login, any form added later) counts its failures in the same rows and obeys the same lock.
Each attempt claims its row before the password is tested (``login_attempt_reserve``), so
guesses sent in parallel cannot all slip in before the first failure is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
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


def login_attempt_reserve(*, username: str, ip: str | None) -> LoginAttempt | None:
    """Claim one attempt of the allowance before a password is tested; None when none is left.

    The row is written (and committed) first, counted as a failure until the password proves
    right. Then the rows are counted again, this attempt included: guesses sent in parallel
    each see the others' committed rows, so at most the allowance of them goes on to test a
    password (of any group of more, the one committed last counts them all). A claim past
    the allowance is withdrawn: it tested nothing.
    """
    attempt = login_failure_record(username=username, ip=ip)
    now = timezone.now()
    recent = _recent(now)
    over = recent.filter(username=attempt.username).count() > MAX_PER_USERNAME
    if ip and not over:
        over = recent.filter(ip=ip).count() > MAX_PER_IP
    if over:
        attempt.delete()
        return None
    return attempt


@transaction.atomic
def login_success_record(*, username: str) -> int:
    """Forget the failures of ``username`` after a successful login; return how many."""
    deleted, _ = LoginAttempt.objects.filter(username=username.strip().lower()).delete()
    return deleted


# Where the backend leaves the lock for the form that asked, so it can say for how long.
REQUEST_LOCK_ATTRIBUTE = "ventanilla_login_lock"


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the client's address as the web server saw it (no proxy headers trusted)."""
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return str(ip) if ip else None


def request_login_lock(request: HttpRequest | None) -> LoginLock | None:
    """Return the lock the backend met while authenticating ``request`` (None: not locked)."""
    lock = getattr(request, REQUEST_LOCK_ATTRIBUTE, None)
    return lock if isinstance(lock, LoginLock) else None


class RateLimitedModelBackend(ModelBackend):
    """Django's username/password backend behind the login limiter.

    It replaces ``ModelBackend`` in ``AUTHENTICATION_BACKENDS`` (a second, unlimited backend
    would let the right password through after this one refused it). While locked it raises
    ``PermissionDenied``: ``authenticate`` then stops and tries no other backend. A refusal
    tests no password, so it is not recorded and does not push the lock further out.
    """

    def _refuse(self, request: HttpRequest | None, username: str, ip: str | None) -> NoReturn:
        lock = login_lock(username=username, ip=ip)
        if request is not None:
            setattr(request, REQUEST_LOCK_ATTRIBUTE, lock if lock.locked else LoginLock(True, 1))
        raise PermissionDenied("too many failed logins")

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """Refuse while locked; otherwise check the password and record the outcome."""
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if login_lock(username=username, ip=ip).locked:
            self._refuse(request, username, ip)
        if login_attempt_reserve(username=username, ip=ip) is None:
            self._refuse(request, username, ip)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # The reserved row goes with the other failures of this username.
            login_success_record(username=username)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """The same limiter for ``aauthenticate`` (ModelBackend's own async path skips it)."""
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
