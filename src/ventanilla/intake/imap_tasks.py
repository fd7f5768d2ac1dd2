"""The periodic IMAP poll: a huey task of its own, beside ``tasks``.

The poll ends in ``ingest_raw``, which schedules the tasks of ``tasks``; kept apart, the
modules import one way only (ops' app config registers both with the worker).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ventanilla.intake import imap_loop


@db_periodic_task(crontab(minute="*"))
def imap_poll_due() -> int:
    """Poll every enabled IMAP account whose interval has elapsed (one poller per account)."""
    return len(imap_loop.poll_due().polled)
