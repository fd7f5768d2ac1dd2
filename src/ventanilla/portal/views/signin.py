"""Signing in to "all my requests": ask for a link, open it, sign out (here or everywhere).

Asking answers the same whatever the address: a redirect to the same page, no body, no
cookie, whether we know the address or not (a task looks the address up afterwards, and the
mail, if any, leaves through the outbox).
Only a rate limit answers otherwise, and it counts unknown addresses too. Opening a link is
two steps: the GET shows a button, the POST signs in, because mail scanners and link
previews fetch links by GET and would otherwise spend the single use.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ventanilla.agents.login import client_ip
from ventanilla.portal.sessions import (
    portal_session_end,
    portal_session_start,
    portal_sessions_end_all,
)
from ventanilla.portal.signin import portal_signin_request
from ventanilla.portal.signin_links import (
    LINK_LIFETIME,
    portal_signin_link_redeem,
    portal_signin_link_valid,
)
from ventanilla.portal.views.customer import (
    portal_session,
    session_cookie_clear,
    session_cookie_set,
)


class SigninForm(forms.Form):
    """The address to mail a sign-in link to."""

    email = forms.EmailField(label=_("Your email address"), max_length=320)


def _link_minutes() -> int:
    return int(LINK_LIFETIME.total_seconds() // 60)


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link by mail (the same answer for every address)."""
    if request.method == "GET" and portal_session(request) is not None:
        return HttpResponseRedirect(reverse("portal:requests"))
    form = SigninForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = portal_signin_request(
            email=form.cleaned_data["email"],
            ip=client_ip(request),
            language=translation.get_language() or "",
        )
        if outcome.limited:
            return render(request, "portal/signin_limited.html", status=429)
        return HttpResponseRedirect(reverse("portal:signin-sent"), status=303)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/signin.html", {"form": form}, status=status)


@require_GET
def signin_sent(request: HttpRequest) -> HttpResponse:
    """Tell the customer to look in his mail (said the same for every address)."""
    return render(request, "portal/signin_sent.html", {"minutes": _link_minutes()})


@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a button to sign in with the link; POST: use the link once and open a session."""
    if request.method == "GET":
        if not portal_signin_link_valid(token=token):
            return render(request, "portal/signin_invalid.html", status=404)
        return render(request, "portal/signin_confirm.html")
    customer = portal_signin_link_redeem(token=token)
    if customer is None:
        return render(request, "portal/signin_invalid.html", status=404)
    _session, session_token = portal_session_start(customer=customer)
    response = HttpResponseRedirect(reverse("portal:requests"), status=303)
    session_cookie_set(response, session_token)
    return response


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """End this session; with ``everywhere``, every session of the customer."""
    session = portal_session(request)
    if session is not None:
        if request.POST.get("everywhere"):
            portal_sessions_end_all(customer=session.customer)
        else:
            portal_session_end(session=session)
    response = HttpResponseRedirect(reverse("portal:signed-out"), status=303)
    session_cookie_clear(response)
    return response


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """Confirm the customer is signed out."""
    return render(request, "portal/signed_out.html")
