"""Reads on customers."""

from __future__ import annotations

from ventanilla.customers.models import Customer


def customer_get_by_email(*, email: str) -> Customer | None:
    """Return the customer with this address (case-insensitive), or None."""
    return Customer.objects.filter(email=email.strip().lower()).first()
