"""``/search/``: the agent's search over tickets and knowledge, with filters and pages.

A ticket number or a Message-ID the agent may see redirects straight to the ticket. The
results come from ``search.api.search``, scoped exactly like the inbox.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from ventanilla.search.api import SearchFilters, search
from ventanilla.workspace.forms import TicketFilterForm
from ventanilla.workspace.selectors import assignable_agents
from ventanilla.workspace.views.common import agent_required, request_user

PAGE_SIZE = 20
MAX_PAGE = 50


class SearchForm(TicketFilterForm):
    """The query and the filters of a search, from GET parameters (the inbox's, and more)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", "—"), ("ticket", _("Tickets")), ("article", _("Knowledge articles"))],
    )
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
        shared = self.shared_filters()
        shared["team_id"] = shared.pop("team")
        return SearchFilters(
            **shared,
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
