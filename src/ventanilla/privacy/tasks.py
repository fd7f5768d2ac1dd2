"""huey tasks of data rights: the daily retention run (registered by ``ops/apps.py``)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from ventanilla.privacy.retention import retention_apply, retention_plan


@db_periodic_task(crontab(hour="3", minute="41"))
@lock_task("privacy-retention")
def privacy_retention() -> int:
    """Daily: carry out the retention policy (the plan its dry run prints); return the rows."""
    return len(retention_apply(plan=retention_plan(now=timezone.now())))
