"""Query-planner statistics for SQLite, so no plan of the mail path depends on luck.

SQLite chooses its indexes from the statistics in ``sqlite_stat1``; a database that never
ran ``ANALYZE`` has none, and its planner guesses (https://sqlite.org/queryplanner-ng.html
§4.1). SQLite's advice (https://sqlite.org/lang_analyze.html#recommended_usage_pattern):
``PRAGMA optimize`` on every connection, bounded by ``analysis_limit``, and an ``ANALYZE``
now and then on a long-running system. Here:

- `sqlite_connection_tune`: on every new SQLite connection (``connection_created``);
- `database_statistics_refresh`: ``ANALYZE`` (bounded), from the hourly task and from a
  long ``mail import`` once its tables have rows.

PostgreSQL's autovacuum keeps its own statistics: nothing to do there.
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows sampled per index by ANALYZE and PRAGMA optimize: milliseconds, whatever the size.
ANALYSIS_LIMIT = 1000


def sqlite_connection_tune(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` listener: bounded ``PRAGMA optimize`` on a new SQLite connection.

    The mask 0x10002 (SQLite ≥ 3.46) analyses at open every table whose statistics are
    missing or stale; older versions ignore the flag they do not know and do nothing here.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("PRAGMA optimize=0x10002")


def database_statistics_refresh() -> bool:
    """Gather the planner's statistics again (SQLite: a bounded ``ANALYZE``); True if it ran."""
    if default_connection.vendor != "sqlite":
        return False
    with default_connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
