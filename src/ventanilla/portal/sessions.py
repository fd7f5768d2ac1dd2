"""Customer sessions of the portal: a random token in a signed cookie, its hash in a row.

Separate from the agents' Django sessions on purpose: a customer is no Django ``User``, his
cookie has its own name, and no code of the workspace reads it, so a customer session can
never authenticate in the workspace (nor an agent's session show a customer's tickets).

Lifetimes: a session ends after `IDLE_LIFETIME` without a request and in any case
`ABSOLUTE_LIFETIME` after it began. Eight idle hours cover a working day at one desk; seven
days bound how long a forgotten session on a shared computer stays open. Signing in again
costs only a mail. "Sign out everywhere" revokes every session of the customer at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ventanilla.customers.models import Customer
from ventanilla.portal.models import PortalSession
from ventanilla.portal.tokens import token_hash, token_new

IDLE_LIFETIME = timedelta(hours=8)
ABSOLUTE_LIFETIME = timedelta(days=7)
# last_seen_at is written at most this often: a page view is not worth a write each time.
TOUCH_EVERY = timedelta(minutes=1)


@transaction.atomic
def portal_session_start(*, customer: Customer) -> tuple[PortalSession, str]:
    """Open a session for ``customer``; return it and the token for the cookie."""
    token = token_new()
    session = PortalSession.objects.create(
        customer=customer, token_hash=token_hash(token), last_seen_at=timezone.now()
    )
    return session, token


def portal_session_get(*, token: str) -> PortalSession | None:
    """Return the live session of ``token`` (refreshing its last use), or None."""
    now = timezone.now()
    session = (
        PortalSession.objects.select_related("customer__organisation")
        .filter(
            token_hash=token_hash(token),
            revoked_at__isnull=True,
            last_seen_at__gt=now - IDLE_LIFETIME,
            created_at__gt=now - ABSOLUTE_LIFETIME,
        )
        .first()
    )
    if session is not None and session.last_seen_at < now - TOUCH_EVERY:
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        session.last_seen_at = now
    return session


@transaction.atomic
def portal_session_end(*, session: PortalSession) -> None:
    """Sign out: revoke this one session."""
    PortalSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def portal_sessions_end_all(*, customer: Customer) -> int:
    """Sign out everywhere: revoke every live session of ``customer``; return how many."""
    return PortalSession.objects.filter(customer=customer, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
