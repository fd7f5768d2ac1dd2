"""huey tasks for the outbox: send one row, and a sweep that recovers lost or due rows."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from ventanilla.mail.outbound import send


@db_task()
def outbox_send(outbound_id: int) -> str:
    """Send one outbox row (retries are scheduled by ``send`` itself, with backoff)."""
    return send.outbound_deliver(outbound_id=outbound_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("outbox-flush")
def outbox_flush() -> int:
    """Send every queued row that is due: delayed retries, and tasks lost with a worker.

    The delayed ``outbox_send`` tasks normally do this; the sweep makes the outbox table,
    not the task queue, the source of truth (a lost queue loses no mail).
    """
    count = 0
    for outbound_id in send.outbound_due():
        if send.outbound_deliver(outbound_id=outbound_id) != "skipped":
            count += 1
    return count
