"""The periodic SLA check: warn once at ``warn_percent`` of a target, report a breach once.

``sla_check_all`` is run every minute by the huey task ``sla_check`` (``sla_tasks.py``).
Each warning or breach is stamped with a conditional UPDATE (``... WHERE sla_warned_at IS
NULL``), so two overlapping runs cannot notify twice, writes an "sla-warning" or
"sla-breached" event and notifies the assignee (or, unassigned, the members of the
ticket's team) and every supervisor and admin, in the app and by mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ventanilla.agents.models import Role
from ventanilla.agents.notify import agent_notify
from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.sla_clock import SlaClock, SlaState, SlaTargetName, sla_remaining

if TYPE_CHECKING:  # the stubs' name for gettext_lazy's result; it does not exist at run time
    from django.utils.functional import _StrPromise

# Pending tickets are checked too: their first response clock does not pause.
CHECKED = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)

MESSAGES: dict[tuple[SlaTargetName, SlaState], _StrPromise] = {
    (SlaTargetName.FIRST_RESPONSE, SlaState.WARNING): _(
        "{number}: the first response is due in {minutes} business minutes."
    ),
    (SlaTargetName.RESOLUTION, SlaState.WARNING): _(
        "{number}: the resolution is due in {minutes} business minutes."
    ),
    (SlaTargetName.FIRST_RESPONSE, SlaState.BREACHED): _(
        "{number}: the first response is overdue (SLA breached)."
    ),
    (SlaTargetName.RESOLUTION, SlaState.BREACHED): _(
        "{number}: the resolution is overdue (SLA breached)."
    ),
}


def sla_check_all(*, now: datetime) -> int:
    """Warn and report breaches for every running ticket; return how many alerts were raised.

    Each alert runs in its own transaction, so one failing ticket does not undo the others.
    """
    tickets = (
        Ticket.objects.filter(status__in=CHECKED, sla_breached_at__isnull=True)
        .filter(Q(first_response_due_at__isnull=False) | Q(resolution_due_at__isnull=False))
        .select_related("mailbox", "assignee", "team")
        .order_by("pk")
    )
    raised = 0
    for ticket in tickets.iterator(chunk_size=500):
        clock = sla_remaining(ticket, now)
        due_alert = clock.state is SlaState.BREACHED or (
            clock.state is SlaState.WARNING and ticket.sla_warned_at is None
        )
        if due_alert:
            raised += ticket_sla_alert(ticket=ticket, clock=clock, now=now)
    return raised


@transaction.atomic
def ticket_sla_alert(*, ticket: Ticket, clock: SlaClock, now: datetime) -> int:
    """Stamp the warning or breach of ``clock`` on ``ticket`` once, log it, notify; 1 or 0."""
    breached = clock.state is SlaState.BREACHED
    stamp = "sla_breached_at" if breached else "sla_warned_at"
    won = Ticket.objects.filter(pk=ticket.pk, **{f"{stamp}__isnull": True}).update(**{stamp: now})
    if not won:
        return 0
    setattr(ticket, stamp, now)
    record = events.ticket_sla_breached_event if breached else events.ticket_sla_warning_event
    record(ticket=ticket, target=clock.target, due_at=clock.due_at, minutes=clock.minutes_left)
    text = format_lazy(
        MESSAGES[(clock.target, clock.state)], number=ticket.number, minutes=clock.minutes_left
    )
    kind = "sla-breached" if breached else "sla-warning"
    agent_notify(users=sla_recipients(ticket), ticket=ticket, kind=kind, text=text)
    return 1


def sla_recipients(ticket: Ticket) -> list[User]:
    """The assignee (or, with none, the team's members), then every supervisor and admin."""
    people: list[User] = []
    if ticket.assignee is not None:
        people.append(ticket.assignee)
    elif ticket.team is not None:
        people.extend(ticket.team.members.filter(is_active=True).order_by("username"))
    supervisors = User.objects.filter(
        is_active=True, agent__role__in=[Role.SUPERVISOR, Role.ADMIN]
    ).order_by("username")
    people.extend(supervisors)
    return [user for index, user in enumerate(people) if user not in people[:index]]
