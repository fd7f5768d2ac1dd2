"""Ticket endpoints: list, get, create (through the mail door), update, transition, merge."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from ventanilla.api.auth import api_user, require_write
from ventanilla.api.new_tickets import NewRequest, ticket_request_submit
from ventanilla.api.render import ticket_out
from ventanilla.api.schemas import (
    InboundOut,
    MergeIn,
    TicketCreateIn,
    TicketOut,
    TicketPage,
    TicketUpdateIn,
    TransitionIn,
)
from ventanilla.api.selectors import (
    TicketFilters,
    ticket_after_write,
    ticket_page,
    ticket_visible,
    tickets_visible,
)
from ventanilla.api.ticket_changes import TicketChanges, ticket_changes_apply, ticket_transition_to
from ventanilla.tickets import lifecycle

router = Router(tags=["tickets"])

Sort = Literal["-received_at", "received_at", "-last_activity_at", "last_activity_at"]


class TicketListQuery(Schema):
    """Filters, sort and paging of the ticket list."""

    status: Literal["new", "open", "pending", "resolved", "closed"] | None = None
    team_id: int | None = None
    assignee: str = NinjaField("", description="An agent id, 'me' or 'none'.", max_length=20)
    customer_email: str = NinjaField("", max_length=320)
    tag: str = NinjaField("", max_length=50)
    priority: int | None = NinjaField(None, ge=1, le=4)
    updated_since: datetime | None = None
    sort: Sort = "-received_at"
    cursor: str = NinjaField("", max_length=200)
    limit: int = NinjaField(50, ge=1, le=200)
    total: bool = NinjaField(
        False, description="Also count the matching tickets: one more query, over every match."
    )


@router.get("/tickets", response=TicketPage, summary="List tickets")
def list_tickets(request: HttpRequest, query: Query[TicketListQuery]) -> dict[str, object]:
    """Tickets the caller may see, filtered and sorted, one cursor page at a time."""
    user = api_user(request)
    filters = TicketFilters(
        status=query.status or "",
        team_id=query.team_id,
        assignee=query.assignee,
        customer_email=query.customer_email,
        tag=query.tag,
        priority=query.priority,
        updated_since=query.updated_since,
    )
    rows, after = ticket_page(
        user=user, filters=filters, sort=query.sort, cursor=query.cursor, limit=query.limit
    )
    total = tickets_visible(user=user, filters=filters).count() if query.total else None
    return {"items": [ticket_out(t) for t in rows], "next": after, "total": total}


@router.get("/tickets/{number}", response=TicketOut, summary="Get a ticket")
def get_ticket(request: HttpRequest, number: str) -> dict[str, object]:
    """One ticket (404 when it does not exist or the caller may not see it)."""
    return ticket_out(ticket_visible(user=api_user(request), number=number))


@router.post(
    "/tickets",
    response={201: TicketOut, 202: InboundOut},
    summary="Create a ticket (a customer's request, through the mail door)",
)
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> Status[dict[str, object]]:
    """Store the request as the customer's mail and run the pipeline on it.

    201 with the ticket it opened (or joined); 202 when the pipeline kept it from becoming a
    ticket (a blocked sender, a loop...), with the stored message's state.
    """
    agent = require_write(request)
    result = ticket_request_submit(request=NewRequest(**payload.dict()), agent=agent)
    if result.ticket is None:
        return Status(202, {"inbound_id": result.inbound_id, "state": result.state})
    ticket = ticket_visible(user=agent, number=result.ticket.number)
    return Status(201, ticket_out(ticket))


@router.patch("/tickets/{number}", response=TicketOut, summary="Update a ticket")
def update_ticket(request: HttpRequest, number: str, payload: TicketUpdateIn) -> dict[str, object]:
    """Change urgency and impact, team, assignee and tags (status: use a transition)."""
    agent = require_write(request)
    ticket = ticket_visible(user=agent, number=number)
    sent = payload.model_fields_set
    changes = TicketChanges(
        urgency=payload.urgency,
        impact=payload.impact,
        set_team="team_id" in sent,
        team_id=payload.team_id,
        set_assignee="assignee_id" in sent,
        assignee_id=payload.assignee_id,
        tags=payload.tags,
    )
    ticket_changes_apply(ticket=ticket, changes=changes, actor=agent)
    return ticket_out(ticket_after_write(pk=ticket.pk))


@router.post("/tickets/{number}/transition", response=TicketOut, summary="Change the status")
def transition_ticket(
    request: HttpRequest, number: str, payload: TransitionIn
) -> dict[str, object]:
    """Move the ticket to another status through the one writer of status (409 if refused)."""
    agent = require_write(request)
    ticket = ticket_visible(user=agent, number=number)
    ticket_transition_to(
        ticket=ticket, to=payload.to, actor=agent, note=payload.note, reason=payload.reason
    )
    return ticket_out(ticket_after_write(pk=ticket.pk))


@router.post("/tickets/{number}/merge", response=TicketOut, summary="Merge into another ticket")
def merge_ticket(request: HttpRequest, number: str, payload: MergeIn) -> dict[str, object]:
    """Merge this ticket into ``into``; both must be visible to the caller. Returns the target."""
    agent = require_write(request)
    source = ticket_visible(user=agent, number=number)
    target = ticket_visible(user=agent, number=payload.into.strip())
    lifecycle.ticket_merge(source=source, target=target, actor=agent)
    return ticket_out(ticket_after_write(pk=target.pk))
