"""Writes on an agent's own notifications (reading them is the workspace's job)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ventanilla.agents.models import Notification


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` as read; return how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
