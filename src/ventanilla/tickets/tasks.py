"""huey tasks of the tickets app: thin periodic wrappers that call one service."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from ventanilla.tickets.lifecycle import tickets_auto_close
from ventanilla.tickets.sla_check import sla_check_all


@db_periodic_task(crontab(minute="17"))
@lock_task("tickets-auto-close")
def tickets_auto_close_task() -> int:
    """Hourly: close tickets resolved longer than ``VENTANILLA_AUTO_CLOSE_DAYS`` ago."""
    return len(tickets_auto_close(now=timezone.now()))


@db_periodic_task(crontab(minute="*"))
@lock_task("sla-check")
def sla_check() -> int:
    """Every minute: warn at ``warn_percent`` of each SLA target, report breaches (once each)."""
    return sla_check_all(now=timezone.now())
