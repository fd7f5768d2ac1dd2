"""Reads of the priority matrix, SLA targets and business calendars, cached per process.

They are read for every new ticket and for every row of a ticket list (the SLA clock), and
change a few times a year, so one snapshot of all of them is kept for `CONFIG_TTL` seconds
(like ``mail.selectors`` does for mailboxes). Saving or deleting one of the rows clears it
in this process (signals in ``tickets/apps.py``); other processes see it within the TTL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from ventanilla.tickets.businesstime import Calendar, make_calendar
from ventanilla.tickets.models import BusinessCalendar, Level, PriorityCell, SlaPolicy

CONFIG_TTL = 5.0

# The seeded ITIL grid (migration 0003): used for a cell an administrator deleted.
DEFAULT_MATRIX: dict[tuple[str, str], int] = {
    (Level.HIGH, Level.HIGH): 1,
    (Level.HIGH, Level.MEDIUM): 2,
    (Level.HIGH, Level.LOW): 3,
    (Level.MEDIUM, Level.HIGH): 2,
    (Level.MEDIUM, Level.MEDIUM): 3,
    (Level.MEDIUM, Level.LOW): 4,
    (Level.LOW, Level.HIGH): 3,
    (Level.LOW, Level.MEDIUM): 4,
    (Level.LOW, Level.LOW): 4,
}
_WORKDAY = [["09:00", "14:00"], ["15:00", "18:00"]]
# Without any calendar row: Monday to Friday 9–14 and 15–18 in the site's time zone.
DEFAULT_HOURS: dict[str, object] = {str(day): _WORKDAY for day in range(1, 6)}


@dataclass(frozen=True)
class SlaTarget:
    """One priority's targets, in business minutes of ``calendar``."""

    priority: int
    first_response_minutes: int
    resolution_minutes: int
    warn_percent: int
    calendar: Calendar


@dataclass(frozen=True)
class SlaConfig:
    """A snapshot of the matrix, the targets by priority and the default calendar."""

    matrix: dict[tuple[str, str], int]
    targets: dict[int, SlaTarget]
    default_calendar: Calendar

    def priority(self, urgency: str, impact: str) -> int:
        """The matrix cell for (urgency, impact), blank meaning medium."""
        key = (urgency or Level.MEDIUM, impact or Level.MEDIUM)
        return self.matrix.get(key) or DEFAULT_MATRIX.get(key, 3)


_cache: tuple[float, SlaConfig] | None = None


def sla_config() -> SlaConfig:
    """Return the current snapshot (at most `CONFIG_TTL` seconds old)."""
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > CONFIG_TTL:
        _cache = (now, _load())
    return _cache[1]


def sla_config_clear(**_: object) -> None:
    """Forget the snapshot (connected to the save/delete signals of the rows it holds)."""
    global _cache
    _cache = None


def sla_target(priority: int) -> SlaTarget | None:
    """Return the SLA targets of ``priority``, or None when it has none."""
    return sla_config().targets.get(priority)


def sla_calendar(priority: int) -> Calendar:
    """Return the calendar the clocks of ``priority`` count in (its target's, or the default)."""
    config = sla_config()
    target = config.targets.get(priority)
    return target.calendar if target is not None else config.default_calendar


def _load() -> SlaConfig:
    calendars = {
        cal.pk: _calendar(cal) for cal in BusinessCalendar.objects.prefetch_related("holidays")
    }
    default_pk = (
        BusinessCalendar.objects.filter(is_default=True).order_by("pk").values_list("pk", flat=True)
    ).first()
    default = calendars.get(default_pk) if default_pk is not None else None
    if default is None:
        default = make_calendar(time_zone=str(settings.TIME_ZONE), hours=DEFAULT_HOURS)
    targets = {
        policy.priority: SlaTarget(
            priority=policy.priority,
            first_response_minutes=policy.first_response_minutes,
            resolution_minutes=policy.resolution_minutes,
            warn_percent=policy.warn_percent,
            calendar=calendars.get(policy.calendar_id or 0) or default,
        )
        for policy in SlaPolicy.objects.all()
    }
    matrix = {(cell.urgency, cell.impact): cell.priority for cell in PriorityCell.objects.all()}
    return SlaConfig(matrix=matrix, targets=targets, default_calendar=default)


def _calendar(row: BusinessCalendar) -> Calendar:
    hours = row.hours if isinstance(row.hours, dict) else {}
    return make_calendar(
        time_zone=row.time_zone,
        hours=hours,
        holidays=[holiday.date for holiday in row.holidays.all()],
        spanish=row.spanish_holidays,
        fallback_zone=str(settings.TIME_ZONE),
    )
