"""Business-time arithmetic: add business minutes to a moment, count them between two moments.

Pure functions over a `Calendar` (no database): weekly opening hours in a time zone, closed
days (the calendar's ``Holiday`` rows and, optionally, Spain's national holidays).

Every sum is done in UTC on aware datetimes. Python subtracts two datetimes that share a
``tzinfo`` by their *wall clock*, which is one hour wrong across a DST change (Europe/Madrid
changes on the last Sunday of March and of October): the opening hours of each day are
therefore turned into UTC instants first, and only UTC instants are added or subtracted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
# A calendar with no opening hours at all would loop forever; ten years is "never".
MAX_DAYS = 3660

# Spain's national holidays on fixed dates (Estatuto de los Trabajadores art. 37.2 and the
# yearly BOE resolution); Good Friday is computed from Easter.
SPANISH_FIXED_HOLIDAYS = (
    (1, 1),  # Año Nuevo
    (1, 6),  # Epifanía del Señor
    (5, 1),  # Fiesta del Trabajo
    (8, 15),  # Asunción de la Virgen
    (10, 12),  # Fiesta Nacional de España
    (11, 1),  # Todos los Santos
    (12, 6),  # Día de la Constitución
    (12, 8),  # Inmaculada Concepción
    (12, 25),  # Natividad del Señor
)

Interval = tuple[int, int]  # minutes after local midnight: [start, end), end may be 1440


@dataclass(frozen=True)
class Calendar:
    """Opening hours per ISO weekday (index 0 = Monday), closed dates, and the time zone."""

    tz: ZoneInfo
    week: tuple[tuple[Interval, ...], ...]  # seven entries
    holidays: frozenset[date] = frozenset()
    spanish_holidays: bool = True

    def is_closed(self, day: date) -> bool:
        """True on a holiday of this calendar (its own or Spain's national ones)."""
        if day in self.holidays:
            return True
        return self.spanish_holidays and day in spanish_holidays(day.year)


def easter_sunday(year: int) -> date:
    """Return Easter Sunday of ``year`` (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def spanish_holidays(year: int) -> frozenset[date]:
    """Return Spain's national holidays of ``year``: the fixed ones plus Good Friday."""
    fixed = {date(year, month, day) for month, day in SPANISH_FIXED_HOLIDAYS}
    return frozenset({*fixed, easter_sunday(year) - timedelta(days=2)})


def parse_week(hours: Mapping[str, object]) -> tuple[tuple[Interval, ...], ...]:
    """Turn ``{"1": [["09:00", "14:00"], ...], ...}`` (ISO weekday keys) into a `Calendar` week.

    Malformed entries are skipped rather than raised: the JSON is edited in the admin, and a
    typo must not stop every SLA clock. "24:00" means the end of the day.
    """
    week: list[list[Interval]] = [[] for _ in range(7)]
    for key, spans in hours.items():
        weekday = int(key) if str(key).isdigit() else 0
        if not 1 <= weekday <= 7 or not isinstance(spans, list):
            continue
        for span in spans:
            interval = _parse_span(span)
            if interval is not None:
                week[weekday - 1].append(interval)
    return tuple(tuple(sorted(day)) for day in week)


def _parse_span(span: object) -> Interval | None:
    if not isinstance(span, list | tuple) or len(span) != 2:
        return None
    start, end = (_minutes(str(value)) for value in span)
    if start is None or end is None or start >= end:
        return None
    return (start, end)


def _minutes(value: str) -> int | None:
    hours, _sep, minutes = value.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return None
    total = int(hours) * 60 + int(minutes)
    return total if 0 <= total <= MINUTES_PER_DAY and int(minutes) < 60 else None


def make_calendar(
    *,
    time_zone: str,
    hours: Mapping[str, object],
    holidays: Iterable[date] = (),
    spanish: bool = True,
    fallback_zone: str = "Europe/Madrid",
) -> Calendar:
    """Build a `Calendar`; an unknown time zone name falls back to ``fallback_zone``."""
    try:
        tz = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo(fallback_zone)
    return Calendar(
        tz=tz, week=parse_week(hours), holidays=frozenset(holidays), spanish_holidays=spanish
    )


@lru_cache(maxsize=8192)
def day_intervals(calendar: Calendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """Return the opening intervals of local ``day`` as UTC instants (empty when closed)."""
    if calendar.is_closed(day):
        return ()
    return tuple(
        (_instant(calendar.tz, day, start), _instant(calendar.tz, day, end))
        for start, end in calendar.week[day.weekday()]
    )


def _instant(tz: ZoneInfo, day: date, minutes: int) -> datetime:
    """The UTC instant of local wall time ``minutes`` after midnight of ``day`` in ``tz``."""
    if minutes >= MINUTES_PER_DAY:
        day, minutes = day + timedelta(days=1), minutes - MINUTES_PER_DAY
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return local.astimezone(UTC)


def _local_day(moment: datetime, calendar: Calendar) -> date:
    if moment.tzinfo is None:
        msg = "business time needs aware datetimes"
        raise ValueError(msg)
    return moment.astimezone(calendar.tz).date()


def business_add(start: datetime, minutes: float, calendar: Calendar) -> datetime:
    """Return the instant ``minutes`` business minutes after ``start`` (in UTC).

    A start outside opening hours (night, weekend, holiday, lunch) counts from the next
    opening; ``minutes=0`` therefore returns the next moment the clock runs. A target that
    ends exactly at a closing time returns that closing time, not the next opening.
    """
    remaining = timedelta(minutes=max(minutes, 0))
    moment = start.astimezone(UTC)
    day = _local_day(start, calendar) - timedelta(days=1)  # an interval may end after midnight
    for _ in range(MAX_DAYS):
        for opens, closes in day_intervals(calendar, day):
            if closes <= moment:
                continue
            begin = max(opens, moment)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        day += timedelta(days=1)
    msg = "the calendar has no opening hours"
    raise ValueError(msg)


def business_minutes_between(a: datetime, b: datetime, calendar: Calendar) -> float:
    """Return the business minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``).

    Days strictly between the first and the last day are whole (a day's intervals end by
    the next midnight), so long spans add them from per-year prefix sums instead of walking
    every day: the inbox computes this for every row, and an old overdue ticket's span can
    be years long (benchmarks/web.py: 2.4 ms → microseconds per row).
    """
    if b < a:
        return -business_minutes_between(b, a, calendar)
    first, last = _local_day(a, calendar), _local_day(b, calendar)
    one = timedelta(days=1)
    if (last - first).days <= 3:
        return _clipped(a, b, calendar, first - one, last).total_seconds() / 60
    edges = _clipped(a, b, calendar, first - one, first) + _clipped(a, b, calendar, last, last)
    middle = _whole_days_seconds(calendar, first + one, last - one)
    return (edges.total_seconds() + middle) / 60


def _clipped(a: datetime, b: datetime, calendar: Calendar, day: date, last: date) -> timedelta:
    """Opening time of local days ``day``..``last`` that falls inside ``[a, b]``."""
    total = timedelta()
    while day <= last:
        for opens, closes in day_intervals(calendar, day):
            low, high = max(opens, a), min(closes, b)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total


@lru_cache(maxsize=64)
def _year_prefix(calendar: Calendar, year: int) -> tuple[float, ...]:
    """Prefix sums of each day's opening seconds in ``year``: entry i = days before day i."""
    start = date(year, 1, 1)
    prefix = [0.0]
    for offset in range((date(year + 1, 1, 1) - start).days):
        intervals = day_intervals(calendar, start + timedelta(days=offset))
        prefix.append(prefix[-1] + sum((c - o).total_seconds() for o, c in intervals))
    return tuple(prefix)


def _whole_days_seconds(calendar: Calendar, first: date, last: date) -> float:
    """Opening seconds of every local day from ``first`` to ``last`` inclusive."""
    total = 0.0
    for year in range(first.year, last.year + 1):
        jan1 = date(year, 1, 1)
        prefix = _year_prefix(calendar, year)
        low = (max(first, jan1) - jan1).days
        high = (min(last, date(year, 12, 31)) - jan1).days
        total += prefix[high + 1] - prefix[low]
    return total
