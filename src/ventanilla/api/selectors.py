"""Reads of the API, always within what the caller may see (``agents.permissions``).

Ticket lists are paged by a keyset cursor (the sort value and the id of the last row), not
by offset: a page costs the same at row 100,000 as at row 1, and rows added meanwhile never
shift a page. The page is one query with its relations joined plus one for the tags, so the
number of queries does not grow with the page size.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ventanilla.agents.permissions import can_manage, ticket_visible_to
from ventanilla.api.problems import ApiProblem
from ventanilla.customers.models import Customer, Organisation
from ventanilla.tickets.models import Article, Attachment, Ticket

AnyUser = AbstractBaseUser | AnonymousUser

# Sort name -> (field, descending). Both fields are never null, which keyset paging needs.
SORTS: dict[str, tuple[str, bool]] = {
    "-received_at": ("received_at", True),
    "received_at": ("received_at", False),
    "-last_activity_at": ("last_activity_at", True),
    "last_activity_at": ("last_activity_at", False),
}


# What a list row shows (``api/render.ticket_out``): a page reads these columns only, not the
# triage suggestion, resolution note and the rest of every joined ticket.
PAGE_FIELDS = (
    "number",
    "subject",
    "status",
    "urgency",
    "impact",
    "priority",
    "language",
    "team_id",
    "assignee_id",
    "possible_spoof",
    "received_at",
    "last_activity_at",
    "updated_at",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "customer__email",
    "customer__name",
    "merged_into__number",
    "follow_up_of__number",
)


@dataclass(frozen=True)
class TicketFilters:
    """The list's filters, already parsed (empty = no filter)."""

    status: str = ""
    team_id: int | None = None
    assignee: str = ""
    customer_email: str = ""
    tag: str = ""
    priority: int | None = None
    updated_since: datetime | None = None


def as_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; a naive one is read as UTC.

    ISO 8601 allows offsets (up to ±23:59 in Python) that PostgreSQL refuses beyond ±15:59:
    converting before the query keeps any valid input a valid bound.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01 with a positive offset
        raise ApiProblem(400, _("The date is out of range."), kind="date") from exc


def _filters_q(filters: TicketFilters, user: AnyUser) -> Q:
    q = Q()
    if filters.status:
        q &= Q(status=filters.status)
    if filters.team_id is not None:
        q &= Q(team=filters.team_id)
    if filters.assignee == "me":
        q &= Q(assignee=user.pk)
    elif filters.assignee == "none":
        q &= Q(assignee__isnull=True)
    elif filters.assignee.isdigit():
        q &= Q(assignee=int(filters.assignee))
    if filters.customer_email:
        q &= Q(customer__email=filters.customer_email.strip().lower())
    if filters.tag:
        q &= Q(pk__in=Ticket.tags.through.objects.filter(tag__name=filters.tag).values("ticket"))
    if filters.priority is not None:
        q &= Q(priority=filters.priority)
    if filters.updated_since is not None:
        q &= Q(updated_at__gte=as_utc(filters.updated_since))
    return q


def cursor_encode(value: datetime, pk: int) -> str:
    """Return the opaque cursor after the row (``value``, ``pk``)."""
    raw = json.dumps([value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    """Return the (sort value, id) a cursor names; 400 for one we did not make."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return as_utc(datetime.fromisoformat(value)), int(pk)
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiProblem(400, _("The cursor is not valid."), kind="cursor") from exc


def tickets_visible(*, user: AnyUser, filters: TicketFilters) -> QuerySet[Ticket]:
    """Return the tickets ``user`` may see that match ``filters`` (unordered)."""
    return Ticket.objects.filter(ticket_visible_to(user)).filter(_filters_q(filters, user))


def ticket_page(
    *, user: AnyUser, filters: TicketFilters, sort: str, cursor: str, limit: int
) -> tuple[list[Ticket], str | None]:
    """Return one page of tickets and the cursor of the next one (None after the last)."""
    field, descending = SORTS[sort]
    rows = tickets_visible(user=user, filters=filters)
    if cursor:
        value, pk = cursor_decode(cursor)
        after: dict[str, Any] = {f"{field}__{'lt' if descending else 'gt'}": value}
        tie: dict[str, Any] = {field: value, f"pk__{'lt' if descending else 'gt'}": pk}
        rows = rows.filter(Q(**after) | Q(**tie))
    order = (f"-{field}", "-id") if descending else (field, "id")
    page = list(
        rows.select_related("customer", "merged_into", "follow_up_of")
        .only(*PAGE_FIELDS)
        .prefetch_related("tags")
        .order_by(*order)[: limit + 1]
    )
    if len(page) <= limit:
        return page, None
    last = page[limit - 1]
    return page[:limit], cursor_encode(getattr(last, field), last.pk)


def ticket_visible(*, user: AnyUser, number: str) -> Ticket:
    """Return ticket ``number`` if ``user`` may see it; else ``Http404`` (never 403)."""
    ticket = (
        Ticket.objects.filter(ticket_visible_to(user), number=number)
        .select_related("customer", "mailbox", "merged_into", "follow_up_of")
        .prefetch_related("tags")
        .first()
    )
    if ticket is None:
        raise Http404(number)
    return ticket


def ticket_articles(*, ticket: Ticket) -> QuerySet[Article]:
    """Return the conversation in order, with its attachments."""
    return (
        Article.objects.filter(ticket=ticket)
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def ticket_attachment(*, ticket: Ticket, attachment_id: int) -> Attachment:
    """Return one attachment of ``ticket`` (404 when it belongs to another ticket)."""
    attachment = Attachment.objects.filter(pk=attachment_id, article__ticket=ticket).first()
    if attachment is None:
        raise Http404(attachment_id)
    return attachment


def customers_visible(*, user: AnyUser) -> QuerySet[Customer]:
    """Return every customer for supervisors, else those with a ticket ``user`` may see."""
    if can_manage(user):
        return Customer.objects.select_related("organisation")
    visible = Ticket.objects.filter(ticket_visible_to(user), customer=OuterRef("pk"))
    return Customer.objects.filter(Exists(visible)).select_related("organisation")


def organisations_visible(*, user: AnyUser) -> QuerySet[Organisation]:
    """Return every organisation for supervisors, else those of customers ``user`` may see."""
    if can_manage(user):
        return Organisation.objects.all()
    visible = Ticket.objects.filter(ticket_visible_to(user), customer__organisation=OuterRef("pk"))
    return Organisation.objects.filter(Exists(visible))


def ticket_after_write(*, pk: int) -> Ticket:
    """Return ticket ``pk`` as a write the caller was allowed to make left it.

    Unscoped on purpose: moving a ticket to another team may take it out of the caller's
    sight, and the answer to his own change should still describe it.
    """
    return (
        Ticket.objects.select_related("customer", "mailbox", "merged_into", "follow_up_of")
        .prefetch_related("tags")
        .get(pk=pk)
    )
