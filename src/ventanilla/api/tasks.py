"""huey tasks of the API: prune idempotency records past 24 h and ended rate-limit windows."""

from __future__ import annotations

import time

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from ventanilla.api.idempotency import idempotency_prune
from ventanilla.api.middleware import WINDOW_SECONDS
from ventanilla.api.ratelimit import rate_windows_prune


@db_periodic_task(crontab(minute="*/10"))
@lock_task("api-prune")
def api_prune() -> int:
    """Delete expired idempotency records and the counters of windows that have ended."""
    current = int(time.time() // WINDOW_SECONDS)
    return idempotency_prune() + rate_windows_prune(before=current)
