"""The receiver that keeps the rollups in the transaction of every audit row."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ventanilla.reports.services import rollups_apply
from ventanilla.tickets.models import TicketEvent


def on_events_recorded(sender: object, *, events: list[TicketEvent], **kwargs: Any) -> None:
    """Count a batch of fresh audit rows (skipped when ``VENTANILLA_REPORTS_ROLLUPS`` is off)."""
    if settings.VENTANILLA_REPORTS_ROLLUPS:
        rollups_apply(events=events)
