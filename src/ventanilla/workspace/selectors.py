"""Reads for the ticket page, always within what the agent may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from ventanilla.agents.models import Notification
from ventanilla.agents.permissions import can_manage, ticket_visible_to
from ventanilla.agents.selectors import agent_users_active, notification_latest_for, team_ids_of
from ventanilla.tickets.models import Article, Attachment, Ticket

AnyUser = AbstractBaseUser | AnonymousUser
OTHER_TICKETS = 10


def ticket_for_user(*, user: AnyUser, number: str) -> Ticket:
    """Return the ticket ``number`` if ``user`` may see it; else ``Http404`` (never 403)."""
    ticket = (
        Ticket.objects.filter(ticket_visible_to(user), number=number)
        .select_related("customer", "customer__organisation", "assignee", "team", "mailbox")
        .select_related("merged_into", "follow_up_of")
        .first()
    )
    if ticket is None:
        raise Http404(number)
    return ticket


def ticket_articles(*, ticket: Ticket) -> QuerySet[Article]:
    """Return the conversation in order, with authors, attachments and delivery state."""
    return (
        Article.objects.filter(ticket=ticket)
        .select_related("author", "outbound")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def ticket_article(*, ticket: Ticket, article_id: int, with_inbound: bool = False) -> Article:
    """Return one article of ``ticket`` (404 when it belongs to another ticket).

    ``with_inbound`` reads the received message (its raw bytes) in the same query.
    """
    articles = Article.objects.select_related("inbound") if with_inbound else Article.objects
    article = articles.filter(pk=article_id, ticket=ticket).first()
    if article is None:
        raise Http404(article_id)
    return article


def ticket_attachment(*, ticket: Ticket, attachment_id: int) -> Attachment:
    """Return one attachment of ``ticket`` (404 when it belongs to another ticket)."""
    attachment = Attachment.objects.filter(pk=attachment_id, article__ticket=ticket).first()
    if attachment is None:
        raise Http404(attachment_id)
    return attachment


def customer_other_tickets(*, user: AnyUser, ticket: Ticket) -> list[Ticket]:
    """Return the customer's most recent other tickets that ``user`` may see."""
    return list(
        Ticket.objects.filter(ticket_visible_to(user), customer=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .order_by("-received_at")[:OTHER_TICKETS]
    )


def assignable_agents(*, user: AnyUser) -> QuerySet[User]:
    """Return whom ``user`` may assign tickets to: anyone for supervisors, else his teams."""
    agents = agent_users_active()
    if can_manage(user):
        return agents
    teams = team_ids_of(user_id=user.pk)
    return agents.filter(Q(teams__in=teams) | Q(pk=user.pk)).distinct()


def notifications_for(*, user: AnyUser, limit: int = 100) -> list[Notification]:
    """Return the agent's latest notifications, with their tickets."""
    return notification_latest_for(user_id=user.pk, limit=limit)
