"""Report periods: parsing them and covering them with rollup rows (days and weeks).

A period is any range of local dates, both ends included. Up to ``DAILY_LIMIT`` days it is
shown day by day and read from day rows; longer, week by week (weeks start on Monday), read
from week rows for the weeks wholly inside it and from day rows for the cut weeks at its
ends, so any period costs about as many rows as its number of weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

DAILY_LIMIT = 62
PRESETS = {"7d": 7, "30d": 30, "90d": 90, "12m": 365}


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last``, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.last - self.first).days + 1

    @property
    def weekly(self) -> bool:
        """True when the period is shown week by week."""
        return self.days > DAILY_LIMIT

    def bucket(self, day: date) -> date:
        """The point of the series ``day`` belongs to (the day, or its week's Monday)."""
        return week_start(day) if self.weekly else day

    def buckets(self) -> list[date]:
        """Every point of the series, in order."""
        if not self.weekly:
            return [self.first + timedelta(days=i) for i in range(self.days)]
        first = week_start(self.first)
        return [first + timedelta(weeks=i) for i in range((self.last - first).days // 7 + 1)]

    def rows_q(self) -> Q:
        """The rollup rows that add up to exactly this period."""
        if not self.weekly:
            return Q(grain="d", start__range=(self.first, self.last))
        whole_first = week_start(self.first + timedelta(days=6))
        whole_last = week_start(self.last + timedelta(days=1)) - timedelta(days=7)
        if whole_last < whole_first:
            return Q(grain="d", start__range=(self.first, self.last))
        return (
            Q(grain="w", start__range=(whole_first, whole_last))
            | Q(grain="d", start__range=(self.first, whole_first - timedelta(days=1)))
            | Q(grain="d", start__range=(whole_last + timedelta(days=7), self.last))
        )

    def before_q(self) -> Q:
        """The rollup rows of everything before the period (for the backlog at its start)."""
        monday = week_start(self.first)
        return Q(grain="w", start__lt=monday) | Q(
            grain="d", start__range=(monday, self.first - timedelta(days=1))
        )


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def period_from(*, preset: str, first: date | None, last: date | None, today: date) -> Period:
    """Return the period asked for: explicit dates win, else a preset ending today (30 days)."""
    if first is not None and last is not None:
        return Period(min(first, last), max(first, last))
    days = PRESETS.get(preset, PRESETS["30d"])
    return Period(today - timedelta(days=days - 1), today)
