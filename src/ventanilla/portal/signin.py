"""Signing in to the portal by mail: ask for a link, receive it, open it once.

A customer types an address; whatever it is, the answer is the same, so the page tells
nobody which addresses we know. Every request is counted (per address, by a keyed hash, and
per client address) *before* the address is looked up, so the limits hold for unknown
addresses too, and a refusal says nothing about the address either. For a known customer a
link is made: 32 random bytes, mailed through the outbox (``outbound/kinds/portal_signin``),
kept here only as a SHA-256 hash. It works once, within `LINK_LIFETIME`: opening it marks it
used in the same UPDATE that checks it, so two tabs racing with one link get one session.

Why 20 minutes: long enough for a mail delayed by greylisting (commonly 5 to 15 minutes on
the first delivery from a new sender), short enough that a link found later in a mailbox
(a forwarded mail, a shared account) is worthless; and a used link is worthless at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from ventanilla.customers.models import Customer
from ventanilla.customers.selectors import customer_get_by_email
from ventanilla.outbound.kinds.portal_signin import (
    SigninLink,
    portal_signin_draft,
    portal_signin_mailbox,
)
from ventanilla.outbound.policy import portal_signin_refusals
from ventanilla.outbound.services import outbound_queue
from ventanilla.portal.models import PortalSigninLink, PortalSigninRequest

LINK_LIFETIME = timedelta(minutes=20)
# Requests allowed within `WINDOW`, per address and per client address (an office behind
# one NAT address asks for several people, hence the larger allowance).
WINDOW = timedelta(minutes=15)
MAX_PER_ADDRESS = 3
MAX_PER_IP = 20


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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


def portal_signin_request(*, email: str, ip: str | None) -> SigninRequestOutcome:
    """Count a request for a sign-in link and, within the limits, mail one to a known customer.

    The request row is committed first and the rows counted after it, so requests sent in
    parallel each see the others (the login limiter's reasoning, ``agents/login.py``); a
    request over a limit is withdrawn and changes nothing else.
    """
    with transaction.atomic():
        PortalSigninRequest.objects.filter(
            created_at__lt=timezone.now() - timedelta(days=1)
        ).delete()
        row = PortalSigninRequest.objects.create(address_digest=address_digest(email), ip=ip)
    if _over_limits(row):
        row.delete()
        return SigninRequestOutcome(limited=True)
    customer = customer_get_by_email(email=email)
    if customer is not None and not portal_signin_refusals(recipient=customer.email):
        portal_signin_link_send(customer=customer)
    return SigninRequestOutcome(limited=False)


@transaction.atomic
def portal_signin_link_send(*, customer: Customer) -> PortalSigninLink | None:
    """Make a sign-in link for ``customer`` and queue its mail (None: no mailbox to send from)."""
    mailbox = portal_signin_mailbox()
    if mailbox is None:
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = PortalSigninLink.objects.create(
        customer=customer, token_hash=token_hash(token), expires_at=now + LINK_LIFETIME
    )
    base = str(settings.VENTANILLA_BASE_URL).rstrip("/")
    language = customer.language or translation.get_language() or settings.LANGUAGE_CODE
    signin = SigninLink(
        email=customer.email,
        name=customer.name,
        language=language,
        url=base + reverse("portal:signin-link", kwargs={"token": token}),
        minutes=int(LINK_LIFETIME.total_seconds() // 60),
    )
    outbound_queue(draft=portal_signin_draft(link=signin, mailbox=mailbox))
    return link


def portal_signin_link_valid(*, token: str) -> bool:
    """True when ``token`` is a link that may still be used (shown before the customer confirms)."""
    return PortalSigninLink.objects.filter(
        token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


@transaction.atomic
def portal_signin_link_redeem(*, token: str) -> Customer | None:
    """Use the link ``token`` once: return its customer, or None (unknown, used or expired).

    The check and the mark are one UPDATE, so of two concurrent uses exactly one wins. The
    customer's other unused links go with it: the one that worked is the one that counts.
    """
    now = timezone.now()
    links = PortalSigninLink.objects.filter(
        token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now
    )
    customer_id = links.values_list("customer_id", flat=True).first()
    if customer_id is None or links.update(used_at=now) != 1:
        return None
    PortalSigninLink.objects.filter(customer_id=customer_id, used_at__isnull=True).update(
        used_at=now
    )
    return Customer.objects.get(pk=customer_id)
