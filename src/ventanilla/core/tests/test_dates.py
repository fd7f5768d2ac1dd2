"""``core.dates``: a sender's date is kept only when plausible, and never raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ventanilla.core.dates import datetime_bounded, datetime_plausible

RECEIVED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_plausible_date_is_kept_in_utc():
    madrid = datetime(2026, 11, 24, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    kept = datetime_plausible(madrid, reference=RECEIVED)
    assert kept == madrid
    assert kept is not None
    assert kept.utcoffset() == timedelta(0)


def test_naive_date_is_utc():
    assert datetime_plausible(datetime(2026, 11, 24, 9, 0), reference=RECEIVED) == datetime(
        2026, 11, 24, 9, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value",
    [
        # Year 10000 in UTC: astimezone overflows.
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=5))),
        # Year 0 in UTC: overflows the other way.
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
        datetime(100, 1, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, tzinfo=UTC),
        RECEIVED + timedelta(days=1, seconds=1),
        # A zone no clock uses (PostgreSQL refuses offsets beyond ±15:59 outright).
        datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=23, minutes=59))),
        datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=-15))),
    ],
)
def test_implausible_dates_give_the_reference(value):
    assert datetime_plausible(value, reference=RECEIVED) is None
    assert datetime_bounded(value, reference=RECEIVED) == RECEIVED


def test_edges_are_inclusive_and_none_stays_none():
    assert datetime_plausible(RECEIVED + timedelta(days=1), reference=RECEIVED) is not None
    assert datetime_plausible(datetime(1970, 1, 1, tzinfo=UTC), reference=RECEIVED) is not None
    kiribati = datetime(2026, 11, 24, 23, 0, tzinfo=timezone(timedelta(hours=14)))
    assert datetime_plausible(kiribati, reference=RECEIVED) == kiribati
    assert datetime_bounded(None, reference=RECEIVED) is None
