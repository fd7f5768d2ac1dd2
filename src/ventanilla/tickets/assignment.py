"""Who works on a ticket: assign, take, move to a team, and route new tickets.

On arrival a ticket goes to its mailbox's team; a team with an automatic policy then hands it
to one of its available members:

- **round robin**: the next member after ``Team.last_assigned``, members in username order;
- **least load**: the member with the fewest tickets in new/open/pending; ties go to the
  member who comes next after ``last_assigned`` in the same order, i.e. the one who waited
  longest for a ticket among the tied.

Away agents (``agents.selectors.agent_is_available``) and inactive logins are skipped; with
nobody available the ticket stays unassigned in the team's queue. The team row is locked
(``select_for_update``) while choosing, so two workers routing at once cannot both give
"the next" ticket to the same member.

Every change writes an "assigned" or "team-set" event; a new assignee is notified (in the
app and by mail, ``agents.notify.agent_notify``) unless they assigned the ticket to themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ventanilla.agents.models import AgentProfile, AssignmentPolicy, Team
from ventanilla.agents.names import agent_display_name
from ventanilla.agents.notify import agent_notify
from ventanilla.agents.permissions import can_assign_to, can_view_ticket
from ventanilla.agents.selectors import agent_is_available, agent_profile
from ventanilla.tickets import events
from ventanilla.tickets.models import Ticket, TicketStatus

# Tickets that still need work count towards an agent's load.
LOAD_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)


def _actor_name(actor: User | None) -> str:
    return "system" if actor is None else actor.get_username()


def _check_may_assign(*, ticket: Ticket, assignee: User | None, actor: User | None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may give ``ticket`` to ``assignee``.

    The system (None) may do anything. Otherwise the policy of ``agents.permissions``:
    supervisors assign to anyone; an agent acts on tickets he can see, takes them himself,
    or gives them to members of the ticket's team (of his teams for a ticket with no team).
    """
    if actor is None:
        return
    if not can_view_ticket(actor, ticket):
        raise PermissionDenied(_("You cannot act on this ticket."))
    if assignee is not None and assignee.pk == actor.pk:
        return
    if not can_assign_to(actor, ticket, assignee):
        raise PermissionDenied(_("You can only assign tickets to members of the ticket's team."))


def _notify_assignee(*, ticket: Ticket, assignee: User, actor: User | None) -> None:
    # Lazy text: agent_notify renders it in the assignee's own language.
    if actor is None:
        text = format_lazy(
            gettext_lazy("{number} was assigned to you automatically: {subject}"),
            number=ticket.number,
            subject=ticket.subject,
        )
    else:
        text = format_lazy(
            gettext_lazy("{number} was assigned to you by {actor}: {subject}"),
            number=ticket.number,
            actor=agent_display_name(actor),
            subject=ticket.subject,
        )
    agent_notify(users=[assignee], ticket=ticket, kind="assigned", text=text)


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, assignee: User | None, actor: User | None, reason: str = "manual"
) -> Ticket:
    """Give ``ticket`` to ``assignee`` (None: unassign) and notify them.

    ``actor`` None is the system (routing). Raises ``ValidationError`` when ``assignee`` is
    not an active agent and ``PermissionDenied`` when ``actor`` may not do this (see
    `_check_may_assign`). Assigning to the current assignee changes nothing.
    """
    locked = (
        Ticket.objects.select_for_update().get(pk=ticket.pk)  # no joins: see ticket_route_new
    )
    if assignee is not None and (not assignee.is_active or agent_profile(assignee) is None):
        raise ValidationError(_("Tickets can only be assigned to active agents."))
    _check_may_assign(ticket=locked, assignee=assignee, actor=actor)
    previous = locked.assignee
    if (previous.pk if previous else None) == (assignee.pk if assignee else None):
        return locked
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    events.ticket_assigned_event(
        ticket=locked,
        previous=previous.get_username() if previous else "",
        new=assignee.get_username() if assignee else "",
        actor=_actor_name(actor),
        reason=reason,
    )
    if assignee is not None and (actor is None or actor.pk != assignee.pk):
        _notify_assignee(ticket=locked, assignee=assignee, actor=actor)
    ticket.assignee = locked.assignee
    return locked


@transaction.atomic
def ticket_take(*, ticket: Ticket, actor: User) -> Ticket:
    """Assign ``ticket`` to the agent who asks ("take"); no notification to oneself."""
    return ticket_assign(ticket=ticket, assignee=actor, actor=actor, reason="take")


@transaction.atomic
def ticket_set_team(*, ticket: Ticket, team: Team | None, actor: User | None) -> Ticket:
    """Move ``ticket`` to ``team``'s queue (None: no team).

    An assignee who is not a member of the new team is removed, so the ticket shows up as
    unassigned in the new queue rather than staying with someone who no longer sees it.
    """
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if actor is not None and not can_view_ticket(actor, locked):
        raise PermissionDenied(_("You cannot act on this ticket."))
    if locked.team_id == (team.pk if team else None):
        return locked
    previous = locked.team
    locked.team = team
    locked.save(update_fields=["team", "updated_at"])
    events.ticket_team_set_event(
        ticket=locked,
        previous=previous.name if previous else "",
        new=team.name if team else "",
        actor=_actor_name(actor),
    )
    ticket.team = team
    if locked.assignee_id is not None and (
        team is None or not team.members.filter(pk=locked.assignee_id).exists()
    ):
        locked = ticket_assign(ticket=locked, assignee=None, actor=None, reason="team-changed")
    return locked


def team_candidates(team: Team) -> list[User]:
    """Return the members who may get tickets automatically, in a stable (username) order."""
    members = (
        team.members.filter(is_active=True, agent__isnull=False)
        .select_related("agent")
        .order_by("username")
    )
    return [user for user in members if _available(user)]


def _available(user: User) -> bool:
    try:
        profile: AgentProfile = user.agent
    except AgentProfile.DoesNotExist:
        return False
    return agent_is_available(profile)


def _after_last(candidates: Sequence[User], team: Team) -> list[User]:
    """Return ``candidates`` rotated so the member after ``team.last_assigned`` comes first."""
    last = team.last_assigned
    if last is None:
        return list(candidates)
    later = [user for user in candidates if user.get_username() > last.get_username()]
    earlier = [user for user in candidates if user.get_username() <= last.get_username()]
    return later + earlier


def _least_loaded(candidates: Sequence[User], team: Team) -> User:
    loads = dict(
        Ticket.objects.filter(assignee__in=candidates, status__in=LOAD_STATUSES)
        .values_list("assignee")
        .annotate(n=Count("id"))
        .values_list("assignee", "n")
    )
    # min() keeps the first of equals: the rotation order breaks ties fairly.
    return min(_after_last(candidates, team), key=lambda user: loads.get(user.pk, 0))


def team_pick_assignee(*, team: Team) -> User | None:
    """Choose the member who gets the next ticket under ``team``'s policy (None: nobody).

    The caller holds the lock on the team row; ``last_assigned`` is moved on here.
    """
    if team.policy == AssignmentPolicy.MANUAL:
        return None
    candidates = team_candidates(team)
    if not candidates:
        return None
    if team.policy == AssignmentPolicy.LEAST_LOAD:
        chosen = _least_loaded(candidates, team)
    else:
        chosen = _after_last(candidates, team)[0]
    team.last_assigned = chosen
    team.save(update_fields=["last_assigned"])
    return chosen


@transaction.atomic(savepoint=False)
def ticket_route_new(*, ticket: Ticket) -> Ticket:
    """Route a newly created ticket: its mailbox's team, then that team's policy.

    Called once, after the ticket is created (by the triage step of the pipeline). A ticket
    that already has a team or an assignee is left alone (a reprocessed or merged ticket).
    """
    team_id = ticket.mailbox.team_id
    if team_id is None or ticket.team_id is not None or ticket.assignee_id is not None:
        return ticket
    # Locking the team serialises routing per team (SQLite serialises whole transactions).
    # No select_related here: PostgreSQL re-reads a row updated while we waited for its lock
    # but not the rows joined to it, so a joined ``last_assigned`` would be the stale one.
    team = Team.objects.select_for_update().get(pk=team_id)
    routed = ticket_set_team(ticket=ticket, team=team, actor=None)
    assignee = team_pick_assignee(team=team)
    if assignee is None:
        return routed
    return ticket_assign(ticket=routed, assignee=assignee, actor=None, reason=str(team.policy))
