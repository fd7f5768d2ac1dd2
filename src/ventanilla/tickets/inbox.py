"""Inbox selectors: the named views of the agent workspace, their counts, filters and sorting.

Every query starts from what the agent may see (``agents.permissions.ticket_visible_to``), so
a view or a count can never show another team's tickets. The counts of all views come from one
aggregate query (``Count(filter=...)``), and a page of rows is one query with its relations
joined, so the number of queries per page does not grow with the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ventanilla.agents.models import Team
from ventanilla.agents.permissions import ticket_visible_to
from ventanilla.tickets.models import Ticket, TicketStatus

AnyUser = AbstractBaseUser | AnonymousUser

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING)
# The clock runs only while the ticket is ours to move (pending pauses it, see tickets/sla.py).
RUNNING_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN)
DONE_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
# "Breaching soon": due within this time, or already overdue.
BREACH_HORIZON = timedelta(hours=2)
RECENTLY_CLOSED = timedelta(days=7)


@dataclass(frozen=True)
class InboxView:
    """One named view of the inbox: its URL slug and label."""

    slug: str
    label: Promise


VIEWS: tuple[InboxView, ...] = (
    InboxView("unassigned", _("Unassigned")),
    InboxView("mine", _("Mine")),
    InboxView("team", _("My teams")),
    InboxView("pending", _("Waiting on customer")),
    InboxView("breaching", _("Breaching SLA soon")),
    InboxView("open", _("All open")),
    InboxView("closed", _("Recently closed")),
)
VIEW_SLUGS = frozenset(v.slug for v in VIEWS)

SORTS: dict[str, tuple[OrderBy, ...]] = {
    "priority": (
        F("priority").asc(),
        F("resolution_due_at").asc(nulls_last=True),
        F("id").desc(),
    ),
    "due": (F("resolution_due_at").asc(nulls_last=True), F("priority").asc(), F("id").desc()),
    "activity": (F("last_activity_at").desc(), F("id").desc()),
}


@dataclass(frozen=True)
class InboxFilters:
    """The agent's filters, already parsed (``None`` or empty = no filter)."""

    status: str = ""
    priority: int | None = None
    team: int | None = None
    # A user id, or the words "me" / "none".
    assignee: str = ""
    customer: str = ""
    tag: str = ""
    received_from: date | None = None
    received_to: date | None = None


def _view_q(slug: str, user: AnyUser, now: datetime) -> Q:
    """Return the condition of the view ``slug`` for ``user`` (before visibility)."""
    open_q = Q(status__in=OPEN_STATUSES)
    soon = now + BREACH_HORIZON
    conditions = {
        "unassigned": open_q & Q(assignee__isnull=True),
        "mine": open_q & Q(assignee=user.pk),
        "team": open_q & Q(team__in=Team.objects.filter(members=user.pk).values("pk")),
        "pending": Q(status=TicketStatus.PENDING),
        "breaching": Q(status__in=RUNNING_STATUSES)
        & (
            Q(resolution_due_at__lte=soon)
            | Q(first_response_at__isnull=True, first_response_due_at__lte=soon)
        ),
        "open": open_q,
        "closed": Q(status__in=DONE_STATUSES, updated_at__gte=now - RECENTLY_CLOSED),
    }
    return conditions[slug]


def inbox_counts(*, user: AnyUser, now: datetime | None = None) -> dict[str, int]:
    """Return ``{view slug: number of tickets}`` for every view, in one query."""
    now = now or timezone.now()
    aggregates = {v.slug: Count("pk", filter=_view_q(v.slug, user, now)) for v in VIEWS}
    # Every view is a subset of "open, or done recently": say so, so PostgreSQL aggregates
    # the open tickets found by index instead of the whole history (benchmarks/web.py).
    relevant = Q(status__in=OPEN_STATUSES) | Q(
        status__in=DONE_STATUSES, updated_at__gte=now - RECENTLY_CLOSED
    )
    result = Ticket.objects.filter(ticket_visible_to(user), relevant).aggregate(**aggregates)
    return {slug: int(result[slug] or 0) for slug in aggregates}


def _day_start(day: date) -> datetime:
    # Dates typed by the agent are days in the company's time zone, not UTC.
    return timezone.make_aware(datetime.combine(day, time.min))


def _assignee_q(assignee: str, user: AnyUser) -> Q:
    if assignee == "me":
        return Q(assignee=user.pk)
    if assignee == "none":
        return Q(assignee__isnull=True)
    if assignee.isdigit():
        return Q(assignee=int(assignee))
    return Q()


def _filters_q(filters: InboxFilters, user: AnyUser) -> Q:
    q = _assignee_q(filters.assignee, user)
    if filters.status:
        q &= Q(status=filters.status)
    if filters.priority is not None:
        q &= Q(priority=filters.priority)
    if filters.team is not None:
        q &= Q(team=filters.team)
    if filters.customer:
        q &= Q(customer__email__icontains=filters.customer) | Q(
            customer__name__icontains=filters.customer
        )
    if filters.tag:
        q &= Q(pk__in=Ticket.tags.through.objects.filter(tag__name=filters.tag).values("ticket"))
    if filters.received_from:
        q &= Q(received_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        q &= Q(received_at__lt=_day_start(filters.received_to + timedelta(days=1)))
    return q


def inbox_tickets(
    *,
    user: AnyUser,
    view: str,
    filters: InboxFilters = InboxFilters(),
    sort: str = "priority",
    now: datetime | None = None,
) -> QuerySet[Ticket]:
    """Return the tickets of inbox ``view`` for ``user``, filtered and sorted, relations joined."""
    now = now or timezone.now()
    return (
        Ticket.objects.filter(ticket_visible_to(user))
        .filter(_view_q(view, user, now))
        .filter(_filters_q(filters, user))
        .select_related("customer", "assignee", "team")
        .order_by(*SORTS.get(sort, SORTS["priority"]))
    )
