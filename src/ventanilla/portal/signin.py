"""Asking for a sign-in link: the same answer for every address, within limits.

A customer types an address; whatever it is, the answer is the same, so the page tells
nobody which addresses we know. Every request is counted (per address, by a keyed hash, and
per client address) *before* anything is looked up, so the limits hold for unknown
addresses too, and a refusal says nothing about the address either. Within the limits the
request is handed to a task (``portal/tasks.py``) that looks the address up and, for a known
customer, mails a link (``portal/signin_links.py``): the page itself does the same work,
and so takes about the same time, for a known and an unknown address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ventanilla.portal.models import PortalSigninRequest
from ventanilla.portal.tasks import portal_signin_deliver_task

# Requests allowed within `WINDOW`, per address and per client address (an office behind
# one NAT address asks for several people, hence the larger allowance).
WINDOW = timedelta(minutes=15)
MAX_PER_ADDRESS = 3
MAX_PER_IP = 20


def address_digest(email: str) -> str:
    """A keyed hash of the normalised address: counts requests without storing addresses."""
    key = hashlib.sha256(f"ventanilla.portal.signin:{settings.SECRET_KEY}".encode()).digest()
    normalised = email.strip().lower().encode("utf-8")
    return hmac.new(key, normalised, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SigninRequestOutcome:
    """``limited``: refused by a rate limit (nothing was looked up or sent)."""

    limited: bool


def _over_limits(request_row: PortalSigninRequest) -> bool:
    """True when this request, counted with the others in the window, passes a limit."""
    recent = PortalSigninRequest.objects.filter(created_at__gt=timezone.now() - WINDOW)
    if recent.filter(address_digest=request_row.address_digest).count() > MAX_PER_ADDRESS:
        return True
    return bool(request_row.ip) and recent.filter(ip=request_row.ip).count() > MAX_PER_IP


def portal_signin_request(*, email: str, ip: str | None, language: str) -> SigninRequestOutcome:
    """Count a request for a sign-in link and, within the limits, hand it to the mail task.

    The request row is committed first and the rows counted after it, so requests sent in
    parallel each see the others (the login limiter's reasoning, ``agents/login.py``); a
    request over a limit is withdrawn and changes nothing else.
    """
    with transaction.atomic():
        old = timezone.now() - timedelta(days=1)
        PortalSigninRequest.objects.filter(created_at__lt=old).delete()
        row = PortalSigninRequest.objects.create(address_digest=address_digest(email), ip=ip)
    if _over_limits(row):
        row.delete()
        return SigninRequestOutcome(limited=True)
    portal_signin_deliver_task(email.strip().lower(), language)
    return SigninRequestOutcome(limited=False)
