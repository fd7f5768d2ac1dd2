"""``/search/``: the agent's search over tickets and knowledge, with filters and pages.

A ticket number or a Message-ID the agent may see redirects straight to the ticket. The
results come from ``search.api.search``, scoped exactly like the inbox.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ventanilla.agents.selectors import team_list
from ventanilla.search.api import SearchFilters, search
from ventanilla.tickets.models import Priority, TicketStatus
from ventanilla.workspace.selectors import assignable_agents
from ventanilla.workspace.views.common import agent_required, request_user

PAGE_SIZE = 20
MAX_PAGE = 50


class SearchForm(forms.Form):
    """The query and the filters of a search, from GET parameters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", "—"), ("ticket", _("Tickets")), ("article", _("Knowledge articles"))],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *TicketStatus.choices]
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *Priority.choices],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=team_list(), empty_label="—"
    )
    assignee = forms.CharField(label=_("Assignee"), required=False, max_length=20)
    customer = forms.CharField(label=_("Customer"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def query(self) -> str:
        """The typed query ("" when invalid)."""
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    def filters(self) -> SearchFilters:
        """Return the valid filters (an invalid field is ignored rather than failing the page)."""
        data = self.cleaned_data if self.is_valid() else {}
        team = data.get("team")
        return SearchFilters(
            status=data.get("status") or "",
            priority=data.get("priority"),
            team_id=team.pk if team is not None else None,
            assignee=(data.get("assignee") or "").strip(),
            customer=(data.get("customer") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            kind=data.get("kind") or "",
        )

    def page_number(self) -> int:
        """The page asked for (1 by default)."""
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


@agent_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Results of the query, or straight to the ticket for a number or a Message-ID."""
    form = SearchForm(request.GET)
    query = form.query()
    page = form.page_number()
    results = None
    if query:
        results = search(
            query=query,
            user=request_user(request),
            filters=form.filters(),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        if results.jump_url and "page" not in request.GET:
            return redirect(results.jump_url)
    params = request.GET.copy()
    params.pop("page", None)
    pages = -(-results.total // PAGE_SIZE) if results else 0
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page": page,
        "pages": min(pages, MAX_PAGE),
        "params": params.urlencode(),
        "agents": assignable_agents(user=request_user(request)),
    }
    return render(request, "workspace/search.html", context)
