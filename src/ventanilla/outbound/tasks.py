"""huey tasks for the outbox: send one row, retry a deferred one, and a sweep for lost rows.

``send`` reports a temporary failure through ``signals.delivery_result``; `retry_later`,
connected here, schedules the next ``outbox_send`` once that outcome is committed. (``send``
cannot schedule it itself: these tasks call ``send``.)
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from ventanilla.outbound import lease, send, signals

log = logging.getLogger(__name__)


@db_task()
def outbox_send(outbound_id: int) -> str:
    """Send one outbox row (retries are scheduled by ``send`` itself, with backoff)."""
    return send.outbound_deliver(outbound_id=outbound_id)


@db_task()
def outbox_send_many(outbound_ids: list[int]) -> list[str]:
    """Send the rows one transaction queued, in order (one task instead of one per row).

    One row failing unexpectedly does not hold back the others; it stays queued for
    ``outbox_flush``.
    """
    states: list[str] = []
    for outbound_id in outbound_ids:
        try:
            states.append(send.outbound_deliver(outbound_id=outbound_id))
        except Exception:  # logged; the row stays queued and the sweep retries it
            log.exception("outbound %s: unexpected error while sending", outbound_id)
            states.append("error")
    return states


# How often huey runs periodic tasks (its scheduler checks once a minute, and at start-up).
SWEEP_SECONDS = 60


@db_periodic_task(crontab(minute="*"))
@lock_task("outbox-flush")
def outbox_flush() -> int:
    """Send every queued row that is due: delayed retries, and tasks lost with a worker.

    The delayed ``outbox_send`` tasks normally do this; the sweep makes the outbox table,
    not the task queue, the source of truth (a lost queue loses no mail). A lease that ends
    before the next run gets an ``outbox_send`` at that moment: if its worker died while
    sending, the row goes again within a minute of the crash instead of at the run after.
    """
    return _sweep()


@db_task()
@lock_task("outbox-flush")
def outbox_recover() -> int:
    """The sweep once more when a worker starts, outside the periodic schedule.

    A periodic run happens once per cluster and minute: a worker restarted in the minute
    its dead predecessor already swept would otherwise wait for the next minute, and a
    mail caught by the crash would go out a minute or more late.
    """
    return _sweep()


def _sweep() -> int:
    count = 0
    for outbound_id in send.outbound_due():
        if send.outbound_deliver(outbound_id=outbound_id) != "skipped":
            count += 1
    for outbound_id, seconds in lease.outbound_leases_ending(within_seconds=SWEEP_SECONDS):
        # One second past the end: the claim then sees the lapsed lease as due.
        outbox_send.schedule((outbound_id,), delay=seconds + 1)
    return count


_started = threading.Lock()
_recovery_queued = False


@HUEY.on_startup()
def recover_at_start() -> None:
    """Queue `outbox_recover` once per worker process (huey calls this in every thread)."""
    global _recovery_queued
    with _started:
        if _recovery_queued:
            return
        _recovery_queued = True
    outbox_recover()


def retry_later(*, outbound_id: int, result: str, retry_in: float | None, **_kw: Any) -> None:
    """Schedule another attempt at a deferred mail, once its outcome is committed."""
    if result == signals.DEFERRED and retry_in is not None:
        transaction.on_commit(lambda: outbox_send.schedule((outbound_id,), delay=retry_in))


signals.delivery_result.connect(retry_later, dispatch_uid="outbound-retry-later")
