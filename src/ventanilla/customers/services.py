"""Writes on customers."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from ventanilla.core.text import db_safe
from ventanilla.customers.models import Customer


@transaction.atomic(savepoint=False)
def customer_upsert_from_mail(*, email: str, name: str, language: str = "") -> Customer:
    """Return the customer for ``email``, creating it or filling in what we learnt.

    A name is updated when the mail carries one (people fix their display names); a language
    is only set when none is known, because an agent's choice must win over detection.
    """
    address = db_safe(email.strip().lower())
    name = db_safe(name)
    customer = Customer.objects.filter(email=address).first()
    if customer is None:
        # No get_or_create savepoint: a concurrent insert of the same address fails the
        # caller's transaction with IntegrityError, and the message is simply retried.
        return Customer.objects.create(email=address, name=name[:200], language=language)
    changed: list[str] = []
    if name and name[:200] != customer.name:
        customer.name = name[:200]
        changed.append("name")
    if language and not customer.language:
        customer.language = language
        changed.append("language")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


@transaction.atomic
def customer_portal_links_revoke(*, customer: Customer) -> None:
    """Revoke every portal link of ``customer``, to all his tickets, issued so far."""
    Customer.objects.filter(pk=customer.pk).update(
        portal_link_generation=F("portal_link_generation") + 1
    )
    customer.refresh_from_db(fields=["portal_link_generation"])
