"""SLA clocks in business time: due dates from the policy, pauses, and the facts as they happen.

- ``ticket_sla_start``: on arrival, due dates for the first response and the resolution,
  counted in business minutes of the policy's calendar from ``received_at`` (a mail at night
  or on a weekend starts the clock at the next opening).
- ``ticket_sla_status_changed``: called by ``states.ticket_transition`` on every status
  change. Waiting on the customer pauses the resolution clock; resuming adds the paused
  business minutes to ``resolution_due_at``. Stamps ``resolved_at`` / ``closed_at``, and a
  reopen clears them (the time spent resolved is added like a pause).
- ``ticket_first_response``: the first agent reply (``tickets.replies`` calls it).
- ``ticket_sla_recompute``: new due dates after a priority change, keeping the pauses.

``sla_warned_at`` / ``sla_breached_at`` belong to the *running* target: they are cleared when
the first response is given, so the resolution target can warn and breach once too. The
audit rows keep which target was warned or breached. The maths are in ``businesstime``; the
clock for the UI is ``sla_clock.sla_remaining``; the periodic check is ``sla_check``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ventanilla.tickets import events
from ventanilla.tickets.businesstime import (
    business_add,
    business_minutes_between,
    spanish_holidays,
)
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.sla_clock import SlaClock, sla_remaining
from ventanilla.tickets.sla_config import sla_calendar, sla_target

__all__ = [
    "SlaClock",
    "business_add",
    "business_minutes_between",
    "sla_due_dates_set",
    "sla_remaining",
    "sla_started_event",
    "spanish_holidays",
    "ticket_first_response",
    "ticket_sla_recompute",
    "ticket_sla_start",
    "ticket_sla_status_changed",
]

_DUE_FIELDS = ["first_response_due_at", "resolution_due_at", "sla_warned_at", "sla_breached_at"]


def sla_due_dates_set(ticket: Ticket) -> list[str]:
    """Give ``ticket`` (in memory) the due dates of its priority's policy; return the fields.

    Without a policy for the priority the ticket has no due dates (no clock, no alerts).
    The caller saves them (``ticket_sla_start``, or the triage of a new ticket with its
    other fields in one ``UPDATE``) and records `sla_started_event`.
    """
    target = sla_target(ticket.priority)
    if target is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
    else:
        start = ticket.received_at
        ticket.first_response_due_at = business_add(
            start, target.first_response_minutes, target.calendar
        )
        ticket.resolution_due_at = business_add(start, target.resolution_minutes, target.calendar)
    ticket.sla_warned_at = ticket.sla_breached_at = None
    return list(_DUE_FIELDS)


def sla_started_event(ticket: Ticket) -> None:
    """Write the audit row of the due dates ``sla_due_dates_set`` gave ``ticket``."""
    events.ticket_sla_started_event(
        ticket=ticket,
        priority=ticket.priority,
        first_response_due_at=ticket.first_response_due_at,
        resolution_due_at=ticket.resolution_due_at,
    )


@transaction.atomic(savepoint=False)
def ticket_sla_start(*, ticket: Ticket) -> Ticket:
    """Set the due dates of ``ticket`` from the SLA policy of its priority.

    Without a policy for the priority the ticket has no due dates (no clock, no alerts).
    """
    fields = sla_due_dates_set(ticket)
    ticket.save(update_fields=[*fields, "updated_at"])
    sla_started_event(ticket)
    return ticket


@transaction.atomic
def ticket_sla_recompute(*, ticket: Ticket, previous_priority: int) -> Ticket:
    """Recompute the due dates after a priority change, keeping the pauses already added.

    The pauses are what the old resolution due date holds beyond the old target.
    """
    old, new = sla_target(previous_priority), sla_target(ticket.priority)
    if old is not None and ticket.first_response_due_at is ticket.resolution_due_at is None:
        return ticket  # a ticket without a clock by design (imported history) stays so
    if new is None:
        ticket.first_response_due_at = ticket.resolution_due_at = None
    else:
        extra = 0.0
        if old is not None and ticket.resolution_due_at is not None:
            spent = business_minutes_between(
                ticket.received_at, ticket.resolution_due_at, old.calendar
            )
            extra = max(0.0, spent - old.resolution_minutes)
        start = ticket.received_at
        ticket.first_response_due_at = business_add(start, new.first_response_minutes, new.calendar)
        ticket.resolution_due_at = business_add(start, new.resolution_minutes + extra, new.calendar)
    # A new target is a new promise: it may warn and breach again.
    ticket.sla_warned_at = ticket.sla_breached_at = None
    ticket.save(update_fields=[*_DUE_FIELDS, "updated_at"])
    return ticket


def ticket_sla_status_changed(
    *, ticket: Ticket, previous: str, new: str, at: datetime | None = None
) -> None:
    """Keep the SLA facts in step with a status change (called inside ``ticket_transition``).

    Runs in the caller's transaction and saves only the SLA fields it changed.
    """
    now = at or timezone.now()
    fields: list[str] = []
    if previous == TicketStatus.PENDING and new != TicketStatus.PENDING:
        fields += _resume(ticket, since=ticket.sla_paused_at, now=now)
        ticket.sla_paused_at = None
        fields.append("sla_paused_at")
    if new == TicketStatus.PENDING and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
        fields.append("sla_paused_at")
    elif new == TicketStatus.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif new == TicketStatus.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif new == TicketStatus.OPEN and previous in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        # Reopened: the time it spent resolved was not the team's, like a pause.
        fields += _resume(ticket, since=ticket.resolved_at or ticket.closed_at, now=now)
        ticket.resolved_at = ticket.closed_at = None
        fields += ["resolved_at", "closed_at"]
    if fields:
        ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


def _resume(ticket: Ticket, *, since: datetime | None, now: datetime) -> list[str]:
    """Push the resolution due date by the business minutes from ``since`` to ``now``."""
    if since is None or ticket.resolution_due_at is None:
        return []
    calendar = sla_calendar(ticket.priority)
    paused = business_minutes_between(since, now, calendar)
    if paused <= 0:
        return []
    ticket.resolution_due_at = business_add(ticket.resolution_due_at, paused, calendar)
    return ["resolution_due_at"]


@transaction.atomic
def ticket_first_response(*, ticket: Ticket, at: datetime) -> Ticket:
    """Record the first agent reply (once); the resolution target becomes the running one."""
    if ticket.first_response_at is not None:
        return ticket
    due = ticket.first_response_due_at
    ticket.first_response_at = at
    ticket.sla_warned_at = ticket.sla_breached_at = None
    ticket.save(
        update_fields=["first_response_at", "sla_warned_at", "sla_breached_at", "updated_at"]
    )
    events.ticket_first_response_event(
        ticket=ticket, at=at, within_sla=None if due is None else at <= due
    )
    return ticket
