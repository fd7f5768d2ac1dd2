"""The signed-in customer of a portal request: the session cookie, read and written.

The cookie holds the session's random token, signed (``set_signed_cookie``, salted), with
its own name: Django's session and authentication never see it, so a customer is never
``request.user`` and a customer cookie opens nothing in the workspace. ``HttpOnly``,
``SameSite=Lax`` (RFC 6265bis §8.8: not sent on cross-site POSTs) and ``Secure`` when the
site's cookies are.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from ventanilla.portal.models import PortalSession
from ventanilla.portal.sessions import ABSOLUTE_LIFETIME, portal_session_get

COOKIE_NAME = "ventanilla_portal"
COOKIE_SALT = "ventanilla.portal.session"
_REQUEST_ATTRIBUTE = "portal_session"

View = Callable[..., HttpResponse]


def session_token(request: HttpRequest) -> str:
    """The session token of the request's cookie ("" when absent or its signature is bad)."""
    value = request.get_signed_cookie(COOKIE_NAME, default="", salt=COOKIE_SALT)
    return str(value or "")


def portal_session(request: HttpRequest) -> PortalSession | None:
    """The live portal session of this request, looked up once per request."""
    if not hasattr(request, _REQUEST_ATTRIBUTE):
        token = session_token(request)
        setattr(request, _REQUEST_ATTRIBUTE, portal_session_get(token=token) if token else None)
    session = getattr(request, _REQUEST_ATTRIBUTE)
    return session if isinstance(session, PortalSession) else None


def session_cookie_set(response: HttpResponse, token: str) -> None:
    """Give the browser the session cookie (it outlives no session)."""
    response.set_signed_cookie(
        COOKIE_NAME,
        token,
        salt=COOKIE_SALT,
        max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=bool(settings.SESSION_COOKIE_SECURE),
    )


def session_cookie_clear(response: HttpResponse) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


def customer_required(view: View) -> View:
    """Let only a signed-in customer in (others go to the sign-in page), in his language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        session = portal_session(request)
        if session is None:
            response = HttpResponseRedirect(reverse("portal:signin"))
            if session_token(request):
                session_cookie_clear(response)  # ended or revoked: forget it
            return response
        customer_language_activate(request, session)
        return view(request, *args, **kwargs)

    return wrapper


def customer_language_activate(request: HttpRequest, session: PortalSession | None) -> None:
    """Speak the signed-in customer's language, unless he chose one (the language cookie)."""
    if session is None or not session.customer.language:
        return
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(session.customer.language)
        request.LANGUAGE_CODE = translation.get_language()
