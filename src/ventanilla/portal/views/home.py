"""The portal's front page: ask for a sign-in link, or search the help articles."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ventanilla.knowledge.selectors import knowledge_categories
from ventanilla.portal.views.customer import customer_language_activate, portal_session
from ventanilla.portal.views.signin import SigninForm


@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    """The front page; a signed-in customer sees his links instead of the sign-in form."""
    session = portal_session(request)
    customer_language_activate(request, session)
    context = {
        "signed_in": session is not None,
        "portal_nav": "customer" if session is not None else "public",
        "form": SigninForm(),
        "categories": list(knowledge_categories()),
    }
    return render(request, "portal/home.html", context)
