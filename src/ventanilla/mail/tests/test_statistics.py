"""SQLite's planner statistics: a bounded optimize per connection, ANALYZE on demand."""

from __future__ import annotations

import pytest
from django.db import connection

from ventanilla.mail.statistics import ANALYSIS_LIMIT, database_statistics_refresh


@pytest.mark.django_db
def test_refresh_gathers_statistics_on_sqlite_only():
    ran = database_statistics_refresh()
    assert ran is (connection.vendor == "sqlite")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit")
            assert cursor.fetchone()[0] == ANALYSIS_LIMIT
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1
