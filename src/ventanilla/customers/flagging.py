"""Flagging a customer who floods a mailbox.

A flagged customer still gets tickets (a flood may be a real emergency), but stands out in
the admin (filter "flagged") so someone can look, block the sender, or clear the flag.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ventanilla.core.text import db_safe
from ventanilla.customers.models import Customer


@transaction.atomic(savepoint=False)
def customer_flag(*, customer: Customer, reason: str) -> bool:
    """Flag ``customer`` with ``reason``; False (and nothing written) if already flagged.

    The conditional UPDATE makes two workers flagging the same sender at once write once.
    """
    now = timezone.now()
    updated = Customer.objects.filter(pk=customer.pk, flagged_at__isnull=True).update(
        flagged_at=now, flag_reason=db_safe(reason[:200]), updated_at=now
    )
    if updated:
        customer.flagged_at = now
        customer.flag_reason = reason[:200]
    return updated == 1
