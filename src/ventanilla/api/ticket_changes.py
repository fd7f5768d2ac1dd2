"""Several changes to one ticket in one call, all or nothing, each through its own service.

``PATCH /tickets/{number}`` may set the priority, the team, the assignee and the tags at once;
each goes through the service the workspace's action calls (with its permission checks and
audit row), inside one transaction, so a refusal of the last leaves the first undone too.
Status is not here: it changes only through a transition (``tickets/states.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.agents.models import Team
from ventanilla.agents.selectors import agent_users_active, team_list
from ventanilla.tickets import assignment, lifecycle, priority
from ventanilla.tickets.models import Ticket, TicketStatus


@dataclass(frozen=True)
class TicketChanges:
    """What to change: ``None`` keeps urgency, impact or tags; ``set_*`` says a field was sent."""

    urgency: str | None = None
    impact: str | None = None
    set_team: bool = False
    team_id: int | None = None
    set_assignee: bool = False
    assignee_id: int | None = None
    tags: list[str] | None = None


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = team_list().filter(pk=team_id).first()
    if team is None:
        raise ValidationError(_("No such team."), code="team")
    return team


def _assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = agent_users_active().filter(pk=user_id).first()
    if user is None:
        raise ValidationError(_("No such active agent."), code="assignee")
    return user


@transaction.atomic
def ticket_changes_apply(*, ticket: Ticket, changes: TicketChanges, actor: User) -> Ticket:
    """Apply ``changes`` to ``ticket`` as ``actor``; services refuse what he may not do."""
    if changes.urgency is not None or changes.impact is not None:
        ticket = priority.ticket_set_priority(
            ticket=ticket,
            urgency=changes.urgency or ticket.urgency or "medium",
            impact=changes.impact or ticket.impact or "medium",
            actor=actor,
        )
    if changes.set_team:
        ticket = assignment.ticket_set_team(ticket=ticket, team=_team(changes.team_id), actor=actor)
    if changes.set_assignee:
        ticket = assignment.ticket_assign(
            ticket=ticket, assignee=_assignee(changes.assignee_id), actor=actor
        )
    if changes.tags is not None:
        lifecycle.ticket_tags_set(ticket=ticket, names=changes.tags, actor=actor)
    return ticket


def ticket_transition_to(*, ticket: Ticket, to: str, actor: User, note: str, reason: str) -> Ticket:
    """Move ``ticket`` to status ``to`` through the lifecycle service for that edge."""
    if to == TicketStatus.OPEN and ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return lifecycle.ticket_reopen(ticket=ticket, actor=actor, reason=reason)
    if to == TicketStatus.OPEN:
        return lifecycle.ticket_open(ticket=ticket, actor=actor)
    if to == TicketStatus.PENDING:
        return lifecycle.ticket_set_pending(ticket=ticket, actor=actor)
    if to == TicketStatus.RESOLVED:
        return lifecycle.ticket_resolve(ticket=ticket, actor=actor, note=note)
    return lifecycle.ticket_close(ticket=ticket, actor=actor, reason=reason)
