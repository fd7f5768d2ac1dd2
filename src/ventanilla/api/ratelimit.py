"""Fixed-window request counters shared by every web process (one upsert per bucket).

``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` counts a request and reads the new count
in one statement, atomically, on PostgreSQL and on SQLite (3.35+): two processes counting
the same bucket at the same moment both see their own increment, so the limit holds across
processes without a lock held between statements.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction

from ventanilla.api.models import RateCounter

_UPSERT = (
    "INSERT INTO {table} (bucket, slot, hits) VALUES (%s, %s, 1) "
    "ON CONFLICT (bucket, slot) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
)


@dataclass(frozen=True)
class RateState:
    """One bucket after counting this request: the limit, what is left, seconds to reset."""

    limit: int
    remaining: int
    reset: int

    @property
    def exceeded(self) -> bool:
        """True when this request went past the limit."""
        return self.remaining < 0


def rate_hit(
    *, bucket: str, limit: int, window_seconds: int, now: float | None = None
) -> RateState:
    """Count one request in ``bucket``'s current window and return where it stands."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [bucket[:80], window])
        row = cursor.fetchone()
    hits = int(row[0]) if row else 1
    if hits == 1:
        # The first request of a window clears the windows that have ended.
        rate_windows_prune(bucket=bucket, before=window)
    reset = int((window + 1) * window_seconds - now) or 1
    return RateState(limit=limit, remaining=limit - hits, reset=reset)


def rate_windows_prune(*, bucket: str | None = None, before: int) -> int:
    """Delete the counters of windows before ``before`` (of one bucket, or of all)."""
    rows = RateCounter.objects.filter(slot__lt=before)
    if bucket is not None:
        rows = rows.filter(bucket=bucket[:80])
    deleted, _ = rows.delete()
    return deleted
