"""The inbox: named views with counts, filters, sort, paging and a 30-second htmx refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ventanilla.agents.selectors import team_list
from ventanilla.tickets.inbox import (
    VIEW_SLUGS,
    VIEWS,
    InboxFilters,
    inbox_counts,
    inbox_tickets,
)
from ventanilla.tickets.models import Ticket
from ventanilla.workspace.forms import InboxFilterForm
from ventanilla.workspace.selectors import assignable_agents
from ventanilla.workspace.sla import SlaDisplay, sla_display
from ventanilla.workspace.views.common import agent_required, is_htmx

PAGE_SIZE = 50


class _KnownCountPaginator(Paginator[Ticket]):
    """A paginator told the total in advance: the view counts came from one aggregate query
    already, so paging an unfiltered view needs no second ``COUNT(*)``."""

    def __init__(self, object_list: QuerySet[Ticket], per_page: int, *, count: int | None) -> None:
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # ``count`` is a cached_property


@dataclass(frozen=True)
class Row:
    """One line of the inbox table."""

    ticket: Ticket
    sla: SlaDisplay


@agent_required
def home(request: HttpRequest) -> HttpResponse:
    """``/``: start in the unassigned view."""
    return redirect("workspace:inbox", view="unassigned")


def _rows(tickets: list[Ticket], now: datetime) -> list[Row]:
    return [Row(ticket=t, sla=sla_display(t, now)) for t in tickets]


@agent_required
def inbox(request: HttpRequest, view: str) -> HttpResponse:
    """One inbox view; htmx refreshes get only the table body (and the counts, out of band)."""
    if view not in VIEW_SLUGS:
        raise Http404(view)
    now = timezone.now()
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    tickets = inbox_tickets(
        user=request.user, view=view, filters=filters, sort=form.sort_key(), now=now
    )
    counts = inbox_counts(user=request.user, now=now)
    known = counts[view] if filters == InboxFilters() else None
    page = _KnownCountPaginator(tickets, PAGE_SIZE, count=known).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "views": VIEWS,
        "view": view,
        "counts": counts,
        "form": form,
        "page": page,
        "rows": _rows(list(page.object_list), now),
        "query": query.urlencode(),
        "teams": team_list(),
        "agents": assignable_agents(user=request.user),
    }
    template = (
        "workspace/partials/inbox_refresh.html" if is_htmx(request) else "workspace/inbox.html"
    )
    return render(request, template, context)
