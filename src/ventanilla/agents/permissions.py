"""Who may see and act on which ticket: the one place that decides it.

Policy: admins and supervisors see and act on everything. An agent sees the tickets of the
teams he belongs to, the tickets assigned to him and the tickets with no team yet (so nothing
new is invisible to everyone). Views answer 404, not 403, for a ticket the agent may not see,
so ticket numbers of other queues do not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q

from ventanilla.agents.models import Role, Team
from ventanilla.agents.selectors import agent_is_supervisor, agent_profile, agent_role

if TYPE_CHECKING:  # tickets is the layer above: it asks us, we only name its model
    from ventanilla.knowledge.models import KnowledgeArticle
    from ventanilla.tickets.models import Ticket

AnyUser = AbstractBaseUser | AnonymousUser


def is_agent(user: AnyUser) -> bool:
    """True for any logged-in user with an agent profile (customers never log in)."""
    return agent_profile(user) is not None


def can_manage(user: AnyUser) -> bool:
    """True for supervisors and admins: every queue, assignment to anyone."""
    return agent_is_supervisor(user)


def _team_ids(user: AnyUser) -> list[int]:
    # Cached on the user object: one query per request however many checks a view makes.
    cached: list[int] | None = getattr(user, "_ventanilla_team_ids", None)
    if cached is None:
        cached = list(Team.objects.filter(members=user.pk).values_list("pk", flat=True))
        user._ventanilla_team_ids = cached  # type: ignore[union-attr]
    return cached


def ticket_visible_to(user: AnyUser) -> Q:
    """Return the filter on ``Ticket`` of what ``user`` may see (nothing for non-agents)."""
    if not is_agent(user):
        return Q(pk__in=[])
    if can_manage(user):
        return Q()
    return Q(team__in=_team_ids(user)) | Q(assignee=user.pk) | Q(team__isnull=True)


def can_view_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """True when ``ticket`` is within what ``user`` may see (same rule as the filter)."""
    if not is_agent(user):
        return False
    if can_manage(user):
        return True
    return (
        ticket.team_id is None or ticket.assignee_id == user.pk or ticket.team_id in _team_ids(user)
    )


def can_assign_to(user: AnyUser, ticket: Ticket, assignee: User | None) -> bool:
    """Supervisors assign to anyone; an agent only to members of the ticket's team (or none).

    A ticket without a team can be assigned by an agent to members of his own teams.
    """
    if not can_view_ticket(user, ticket):
        return False
    if can_manage(user) or assignee is None:
        return True
    teams = [ticket.team_id] if ticket.team_id is not None else _team_ids(user)
    return Team.objects.filter(pk__in=teams, members=assignee.pk).exists()


def can_view_health_details(user: AnyUser) -> bool:
    """True for the admin site's users: they may read account names and server errors.

    Anyone may ask ``/healthz`` for the status and the counts (an uptime monitor needs no
    login); the details name IMAP accounts and quote servers' errors (hosts, addresses).
    """
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_staff", False))


def can_publish_knowledge(user: AnyUser) -> bool:
    """Supervisors and admins publish and unpublish knowledge articles.

    What customers and the whole team read as the answer is reviewed by someone who
    answers for the queue; agents write the drafts (an article drafted from a ticket holds
    placeholders that a second reader should see before it goes out).
    """
    return can_manage(user)


def can_edit_knowledge(user: AnyUser, article: KnowledgeArticle | None = None) -> bool:
    """Every agent reads the knowledge base and creates and edits drafts.

    A published article is changed only by those who may publish: an edit goes live at
    once, so it gets the same review as the publication.
    """
    if not is_agent(user):
        return False
    if article is None or article.status != "published":
        return True
    return can_publish_knowledge(user)


def can_view_reports(user: AnyUser) -> bool:
    """Supervisors and admins read the team's reports (every mailbox, team and agent)."""
    return is_agent(user) and can_manage(user)


def can_view_own_figures(user: AnyUser) -> bool:
    """Every agent reads his own figures: the same report, limited to his tickets."""
    return is_agent(user)


def can_manage_personal_data(user: AnyUser) -> bool:
    """Only admins export or erase a customer's data (the privacy pages and commands).

    An export hands out everything a customer ever wrote, an erasure cannot be undone: both
    are for whoever answers for data protection, not for the queue's supervisors.
    """
    return agent_role(user) == Role.ADMIN and bool(getattr(user, "is_active", False))
