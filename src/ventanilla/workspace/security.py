"""Response headers for every page: a Content-Security-Policy and ``no-store`` for private ones.

Content-Security-Policy (CSP Level 3): scripts and styles only from our own static files
(htmx is vendored, ``workspace.js`` holds the rest; the templates carry no inline script or
style), no plugins, no ``<base>`` rewriting, forms post only to us, and no framing. A view
that already set its own policy keeps it (the attachment download answers
``default-src 'none'; sandbox``): this middleware only fills in a missing header.

The ticket page shows mail in ``<iframe sandbox srcdoc=...>``. A srcdoc document inherits
its parent's policy (HTML, "policy container"), and both policies then apply: the frame's
own ``<meta>`` policy narrows what mail may do, but it cannot widen the parent's. So the
pages that show mail allow inline styles (mail is styled inline; scripts stay ``'self'``)
and images from anywhere (the frame's own policy still blocks remote images until the agent
asks for them).

Cache-Control (RFC 9111 §5.2.2.5): a page for a signed-in user, or one that depends on the
session or CSRF cookie, must not be kept by the browser or a shared cache (a back button or
a proxy would otherwise show one agent's tickets to the next person at the desk).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.http import HttpRequest, HttpResponse
from django.utils.cache import has_vary_header

Policy = Mapping[str, tuple[str, ...]]

BASE_POLICY: Policy = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "connect-src": ("'self'",),
    "frame-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}

# Pages that embed sandboxed mail frames (see the module docstring for why they differ).
MAIL_FRAME_POLICY: Policy = {
    **BASE_POLICY,
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "https:", "http:"),
}

# URL names (``namespace:name``) of the pages that embed mail frames: the ticket page, and
# one article's body that htmx swaps into it.
MAIL_FRAME_VIEWS = frozenset({"workspace:ticket", "workspace:article-body"})

NO_STORE = "no-store, private"


def policy_header(policy: Policy) -> str:
    """Return ``policy`` as a header value: ``directive source ...; directive ...``."""
    return "; ".join(" ".join((name, *sources)) for name, sources in policy.items())


BASE_HEADER = policy_header(BASE_POLICY)
MAIL_FRAME_HEADER = policy_header(MAIL_FRAME_POLICY)


def policy_header_for(request: HttpRequest) -> str:
    """Return the policy of the page ``request`` resolved to, as a header value."""
    match = request.resolver_match
    if match is not None and match.view_name in MAIL_FRAME_VIEWS:
        return MAIL_FRAME_HEADER
    return BASE_HEADER


def is_private(response: HttpResponse) -> bool:
    """True when ``response`` depends on the session or CSRF cookie, or sets a cookie.

    Every page that looked at the signed-in user read the session, and the session and
    CSRF middleware mark such responses ``Vary: Cookie``. Asking that, rather than
    ``request.user``, never queries the database here (``/healthz`` must answer during
    an outage).
    """
    return has_vary_header(response, "Cookie") or bool(response.cookies)


class SecurityHeadersMiddleware:
    """Add a Content-Security-Policy when missing, and ``no-store`` to private responses.

    Placed right after Django's ``SecurityMiddleware``, so on the way out it runs after the
    session and CSRF middleware have added ``Vary: Cookie`` and their cookies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Keep the next handler of the chain."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Hand on, then complete the response's headers (never replacing a view's own)."""
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy_header_for(request)
        if "Cache-Control" not in response.headers and is_private(response):
            response.headers["Cache-Control"] = NO_STORE
        return response
