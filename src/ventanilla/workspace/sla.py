"""The SLA clock as the workspace shows it, from ``tickets.sla_clock.sla_remaining``.

``sla_remaining`` counts business minutes from the ticket's own fields and the cached SLA
configuration, so the inbox can show a clock per row without a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from ventanilla.tickets.models import Ticket
from ventanilla.tickets.sla_clock import SlaState, SlaTargetName, sla_remaining


@dataclass(frozen=True)
class SlaDisplay:
    """What the clock shows; ``state`` is none | ok | warning | breached | paused | met."""

    state: str
    target: str = ""
    due: datetime | None = None
    text: str = ""


def duration_text(minutes: int) -> str:
    """Return business minutes as "15 h 05 min business time" ("15 h 05 min hábiles").

    The clock counts only working time of the SLA calendar, so it is never shown in days:
    "1 d 15 h" would read as 39 calendar hours, while 39 business hours are a week.
    """
    hours, mins = divmod(abs(minutes), 60)
    if hours:
        span = _("%(h)d h %(m)02d min") % {"h": hours, "m": mins}
    else:
        span = _("%(m)d min") % {"m": mins}
    return _("%(time)s business time") % {"time": span}


def _target_label(target: SlaTargetName) -> str:
    if target is SlaTargetName.FIRST_RESPONSE:
        return _("first response")
    if target is SlaTargetName.RESOLUTION:
        return _("resolution")
    return ""


def _text(state: SlaState, minutes: int | None) -> str:
    if state is SlaState.MET:
        return _("met")
    if minutes is None:
        return ""
    if state is SlaState.BREACHED or minutes < 0:
        return _("overdue by %(time)s") % {"time": duration_text(minutes)}
    if state is SlaState.PAUSED:
        return _("paused, %(time)s left") % {"time": duration_text(minutes)}
    return duration_text(minutes)


def sla_display(ticket: Ticket, now: datetime) -> SlaDisplay:
    """Return the clock of ``ticket`` at ``now``, ready to print."""
    clock = sla_remaining(ticket, now)
    return SlaDisplay(
        state=str(clock.state),
        target=_target_label(clock.target),
        due=clock.due_at,
        text=_text(clock.state, clock.minutes_left),
    )
