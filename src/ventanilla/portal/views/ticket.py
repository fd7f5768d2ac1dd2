"""The ticket page behind a personal link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the ticket the signed link points at (placeholder until the page is built)."""
    return render(request, "portal/unavailable.html", status=404)
