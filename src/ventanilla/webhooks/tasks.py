"""huey tasks of the webhook outbox: send one subscription's line, and a sweep every minute.

Registered by ``ops/apps.py``. The outbox table, not the task queue, is the source of truth:
a lost task loses no delivery, the sweep finds it.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from ventanilla.webhooks import delivery

log = logging.getLogger(__name__)


@db_task()
def webhook_flush(subscription_id: int) -> int:
    """Send the subscription's due deliveries in order; schedule itself again for a retry."""
    result = delivery.webhook_subscription_flush(subscription_id=subscription_id)
    if result.retry_in is not None:
        webhook_flush.schedule((subscription_id,), delay=result.retry_in)
    return result.finished


@db_periodic_task(crontab(minute="*"))
@lock_task("webhook-sweep")
def webhook_sweep() -> int:
    """Send every subscription's due deliveries: retries, and tasks lost with a worker."""
    finished = 0
    for subscription_id in delivery.webhook_due_subscriptions():
        try:
            finished += delivery.webhook_subscription_flush(
                subscription_id=subscription_id
            ).finished
        except Exception:  # logged; one broken line must not hold back the others
            log.exception("webhook subscription %s: unexpected error", subscription_id)
    return finished
