"""The SLA clock of one ticket, for lists and the ticket view: which target runs, time left.

`sla_remaining` reads only the ticket's own fields and the cached configuration
(``sla_config``): no query per row, so a list of 100 tickets costs nothing extra.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ventanilla.tickets.businesstime import business_minutes_between
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.sla_config import sla_calendar, sla_target


class SlaTargetName(StrEnum):
    """Which promise the clock measures."""

    NONE = ""
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class SlaState(StrEnum):
    """Where the running clock stands."""

    NONE = "none"  # no SLA (no policy for the priority, or an imported ticket)
    OK = "ok"
    WARNING = "warning"  # past warn_percent of the target
    BREACHED = "breached"  # past the due date
    PAUSED = "paused"  # waiting on the customer
    MET = "met"  # resolved in time


@dataclass(frozen=True)
class SlaClock:
    """The state of a ticket's SLA at one moment; ``minutes_left`` < 0 means overdue."""

    target: SlaTargetName
    state: SlaState
    due_at: datetime | None = None
    minutes_left: int | None = None

    @property
    def overdue(self) -> bool:
        """True when the due date has passed (or passed before the clock stopped)."""
        return self.minutes_left is not None and self.minutes_left < 0


NO_CLOCK = SlaClock(target=SlaTargetName.NONE, state=SlaState.NONE)
STOPPED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


def sla_remaining(ticket: Ticket, now: datetime) -> SlaClock:
    """Return the clock of the running target at ``now``.

    The first response target runs until ``first_response_at`` is set; then the resolution
    target runs, paused while waiting on the customer and stopped once resolved (its state is
    then "met" or "breached", measured at the moment it stopped).
    """
    stopped_at = (ticket.resolved_at or ticket.closed_at) if ticket.status in STOPPED else None
    if (
        ticket.first_response_at is None
        and ticket.first_response_due_at is not None
        and stopped_at is None
    ):
        return _running(ticket, SlaTargetName.FIRST_RESPONSE, ticket.first_response_due_at, now)
    due = ticket.resolution_due_at
    if due is None:
        return NO_CLOCK
    calendar = sla_calendar(ticket.priority)
    if stopped_at is not None:
        left = _floor(business_minutes_between(stopped_at, due, calendar))
        state = SlaState.MET if stopped_at <= due else SlaState.BREACHED
        return SlaClock(SlaTargetName.RESOLUTION, state, due, left)
    if ticket.sla_paused_at is not None:
        left = _floor(business_minutes_between(ticket.sla_paused_at, due, calendar))
        return SlaClock(SlaTargetName.RESOLUTION, SlaState.PAUSED, due, left)
    return _running(ticket, SlaTargetName.RESOLUTION, due, now)


def _running(ticket: Ticket, target: SlaTargetName, due: datetime, now: datetime) -> SlaClock:
    left = _floor(business_minutes_between(now, due, sla_calendar(ticket.priority)))
    if now >= due:
        # Overdue at night counts 0 business minutes, yet it is overdue: at least -1.
        return SlaClock(target, SlaState.BREACHED, due, min(left, -1))
    policy = sla_target(ticket.priority)
    if policy is not None:
        total = (
            policy.first_response_minutes
            if target is SlaTargetName.FIRST_RESPONSE
            else policy.resolution_minutes
        )
        warn_left = total * (100 - policy.warn_percent) / 100
        if left <= warn_left:
            return SlaClock(target, SlaState.WARNING, due, left)
    return SlaClock(target, SlaState.OK, due, left)


def _floor(minutes: float) -> int:
    return math.floor(minutes)
