"""The suggestions panel of the ticket page, loaded by htmx after the page itself."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ventanilla.suggest.selectors import suggestions_for_ticket
from ventanilla.workspace.selectors import ticket_for_user
from ventanilla.workspace.views.common import agent_required


@agent_required
def ticket_suggestions(request: HttpRequest, number: str) -> HttpResponse:
    """Related knowledge articles and similar solved tickets, each with why it matched."""
    ticket = ticket_for_user(user=request.user, number=number)
    suggestions = suggestions_for_ticket(ticket=ticket, user=request.user)
    base = settings.VENTANILLA_BASE_URL.rstrip("/")
    articles = [
        {
            "item": s,
            # Only a public article has an address a customer can open.
            "link": base + reverse("portal:knowledge-article", args=[s.article.slug])
            if s.article.is_public
            else "",
        }
        for s in suggestions.articles
    ]
    return render(
        request,
        "workspace/partials/suggestions.html",
        {"ticket": ticket, "articles": articles, "similar": suggestions.tickets},
    )
