"""Sign-in links: made and mailed for a known customer, checked, and used once.

A link is 32 random bytes, mailed through the outbox (``outbound/kinds/portal_signin``) and
kept here only as a SHA-256 hash. It works once, within `LINK_LIFETIME`: opening it marks it
used in the same UPDATE that checks it, so two tabs racing with one link get one session.

Why 20 minutes: long enough for a mail delayed by greylisting (commonly 5 to 15 minutes on
the first delivery from a new sender), short enough that a link found later in a mailbox
(a forwarded mail, a shared account) is worthless; and a used link is worthless at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ventanilla.customers.models import Customer
from ventanilla.customers.selectors import customer_get_by_email
from ventanilla.outbound.kinds.portal_signin import (
    SigninLink,
    portal_signin_draft,
    portal_signin_mailbox,
)
from ventanilla.outbound.policy import portal_signin_refusals
from ventanilla.outbound.services import outbound_queue
from ventanilla.portal.models import PortalSigninLink
from ventanilla.portal.tokens import token_hash, token_new

LINK_LIFETIME = timedelta(minutes=20)


def portal_signin_deliver(*, email: str, language: str) -> bool:
    """Mail a sign-in link to ``email`` if it is a customer's the policy lets us write to.

    Returns whether a link was queued. Runs as a task (``portal/tasks.py``), after the page
    has answered, so the answer costs the same whether the address is known or not.
    """
    customer = customer_get_by_email(email=email)
    if customer is None or portal_signin_refusals(recipient=customer.email):
        return False
    return portal_signin_link_send(customer=customer, language=language) is not None


@transaction.atomic
def portal_signin_link_send(*, customer: Customer, language: str = "") -> PortalSigninLink | None:
    """Make a sign-in link for ``customer`` and queue its mail (None: no mailbox to send from).

    The mail is in the customer's language when we know it, else in ``language`` (the one
    the page was shown in).
    """
    mailbox = portal_signin_mailbox()
    if mailbox is None:
        return None
    token = token_new()
    link = PortalSigninLink.objects.create(
        customer=customer, token_hash=token_hash(token), expires_at=timezone.now() + LINK_LIFETIME
    )
    base = str(settings.VENTANILLA_BASE_URL).rstrip("/")
    signin = SigninLink(
        email=customer.email,
        name=customer.name,
        language=customer.language or language or str(settings.LANGUAGE_CODE),
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
