"""The periodic IMAP poll: a huey task of its own, beside ``tasks``.

The poll ends in ``ingest_raw``, which schedules the tasks of ``tasks``; kept apart, the
modules import one way only (ops' app config registers both with the worker).

Across hosts: the task is claimed once per minute for the whole cluster (``core.queue``), and
each account's poll runs under its lock, a lease row with an owner and an end
(``imap_loop.poll_locked``): one poller per account at a time, and a host that dies while
polling frees the account within two minutes.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ventanilla.intake import imap_loop


@db_periodic_task(crontab(minute="*"))
def imap_poll_due() -> int:
    """Poll every enabled IMAP account whose interval has elapsed (one poller per account)."""
    return len(imap_loop.poll_due().polled)
