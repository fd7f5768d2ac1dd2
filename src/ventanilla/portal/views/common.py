"""Helpers every portal page shares: the unavailable-link answer, the customer's language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from ventanilla.customers.models import Customer


def link_unavailable(request: HttpRequest) -> HttpResponse:
    """The one answer for a wrong, tampered, expired, revoked or unknown link: 404, one page.

    The page says nothing of why, so it cannot tell a guesser which links exist.
    """
    return render(request, "portal/unavailable.html", status=404)


def use_customer_language(request: HttpRequest, customer: Customer, fallback: str = "") -> None:
    """Speak the customer's language, unless he chose one with the switch (its cookie)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (customer.language, fallback):
        if language in supported:
            translation.activate(language)
            request.LANGUAGE_CODE = language
            return
