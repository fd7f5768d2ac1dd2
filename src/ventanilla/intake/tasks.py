"""huey tasks: thin wrappers that fetch by id and call one service.

The tasks ``ingest_raw`` schedules live here, apart from the IMAP poll (``imap_tasks``), which
itself ends in ``ingest_raw``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from ventanilla.mail.selectors import inbound_stuck
from ventanilla.mail.statistics import database_statistics_refresh
from ventanilla.pipeline import services

log = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=10)
def process_inbound(inbound_id: int) -> str:
    """Process one stored message (retried on database errors)."""
    return services.inbound_process(inbound_id=inbound_id)


@db_task()
def process_inbound_many(inbound_ids: list[int]) -> list[str]:
    """Process messages stored together (a group commit): in one transaction if they can.

    One queue entry per group instead of one per message, and one commit for the group
    (``inbound_process_group``). When a message of the group raises, the group is rolled
    back and each message gets its own transaction; one failing there on a database error
    gets its own ``process_inbound`` task (with its retries) so the others go on.
    """
    grouped = services.inbound_process_group(inbound_ids=inbound_ids)
    if grouped is not None:
        return grouped
    states = []
    for inbound_id in inbound_ids:
        try:
            states.append(services.inbound_process(inbound_id=inbound_id))
        except DatabaseError:
            log.warning("inbound %s: database error, retried alone", inbound_id, exc_info=True)
            process_inbound(inbound_id)
            states.append("retry")
    return states


@db_periodic_task(crontab(minute="*"))
@lock_task("inbound-sweep")
def inbound_sweep() -> int:
    """Re-run messages left ``received`` (a killed worker, a lost task); count attempts."""
    count = 0
    for inbound_id in inbound_stuck(older_than_seconds=settings.VENTANILLA_SWEEP_AGE_SECONDS):
        if services.inbound_mark_attempt(
            inbound_id=inbound_id, max_attempts=settings.VENTANILLA_MAX_ATTEMPTS
        ):
            services.inbound_process(inbound_id=inbound_id)
            count += 1
    return count


@db_periodic_task(crontab(minute="17"))
@lock_task("database-statistics")
def database_statistics() -> bool:
    """Hourly: the planner's statistics gathered again (SQLite ``ANALYZE``, bounded)."""
    return database_statistics_refresh()
