"""Response headers of every portal page: the personal link must never leave the page.

The ticket page's address *is* the customer's credential. ``Referrer-Policy: same-origin``
(W3C Referrer Policy §3.2) keeps a browser from sending it to any site a link on the page
leads to. Not ``no-referrer``: under it a browser sends ``Origin: null`` with the page's own
form POSTs (Fetch, "serialize a request origin"), and Django's CSRF check refuses every
answer and rating; same-origin requests keep their real Origin. ``no-store``
(RFC 9111 §5.2.2.5) keeps it, and the conversation, out of shared caches and the back
button of a shared computer; ``X-Robots-Tag: noindex`` keeps a link pasted somewhere
public out of search engines. The Content-Security-Policy is the
workspace's strict one (``workspace.security``), added for every page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PORTAL_HEADERS = {
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store, private",
    "X-Robots-Tag": "noindex, nofollow",
}


class PortalHeadersMiddleware:
    """Set the portal's headers on every response of a view in the ``portal`` namespace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler of the chain."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Hand on, then set the headers (they override Django's ``same-origin`` default)."""
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and "portal" in match.namespaces:
            for name, value in PORTAL_HEADERS.items():
                response.headers[name] = value
        return response
