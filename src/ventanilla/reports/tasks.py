"""huey tasks of the reports app: the weekly summary mail."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from ventanilla.reports.summary import weekly_summaries_queue


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="5"))
@lock_task("reports-weekly-summary")
def weekly_summary() -> int:
    """Mondays 07:05: queue last week's summary for supervisors and admins."""
    return len(weekly_summaries_queue(today=timezone.localdate()))
