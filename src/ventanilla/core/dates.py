"""Dates that strangers wrote: keep them only when they are plausible, else use our own.

A ``Date:`` header is whatever the sender's software (or an attacker) put there: year 9999,
year 100, a zone of +2359, no zone at all. Stored as it is, such a value overflows in time
zone arithmetic (Python's ``datetime`` ends at year 9999), is refused by PostgreSQL (zones
beyond ±15:59, years after 9999 on reading back) or produces nonsense such as a ticket
numbered in year 100. ``datetime_bounded`` returns an aware UTC datetime that every
database and every ``datetime`` operation accepts, or the caller's reference time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# No mail system predates the Unix epoch; an archive "from 1901" is a broken clock.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
# How far ahead of the time we received a mail its Date may be: a sender's clock that is
# wrong by some hours, or a misdeclared zone (offsets run from -12:00 to +14:00).
AHEAD = timedelta(days=1)
# The zones in use span UTC-12:00 to UTC+14:00 (Kiribati); RFC 5322 §3.3 allows any
# ±hhmm, but an offset beyond these belongs to no clock, so the date cannot be trusted.
MAX_OFFSET = timedelta(hours=14)


def datetime_plausible(value: datetime, *, reference: datetime) -> datetime | None:
    """Return ``value`` in UTC if it is plausible, else None.

    Plausible: no earlier than 1970, no later than ``reference`` plus ``AHEAD``, and in a
    zone some clock uses. A naive ``value`` is taken as UTC (RFC 5322 §4.3: an unknown zone
    means -0000). Never raises: arithmetic that overflows (year 9999 at -05:00 is year 10000
    in UTC) is implausible by definition.
    """
    try:
        offset = value.utcoffset()
        if offset is None:
            value = value.replace(tzinfo=UTC)
        elif abs(offset) > MAX_OFFSET:
            return None
        moment = value.astimezone(UTC)
        latest = reference.astimezone(UTC) + AHEAD
    except (OverflowError, ValueError):
        return None
    if not EARLIEST <= moment <= latest:
        return None
    return moment


def datetime_bounded(value: datetime | None, *, reference: datetime) -> datetime | None:
    """Return ``value`` in UTC when plausible (see ``datetime_plausible``), else ``reference``.

    None stays None: no date is not a wrong date.
    """
    if value is None:
        return None
    return datetime_plausible(value, reference=reference) or reference
