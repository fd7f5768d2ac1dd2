"""The agent's own things: availability (available / away until) and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ventanilla.agents.notifications import notifications_mark_read
from ventanilla.agents.services import agent_set_away
from ventanilla.workspace.forms import AwayForm
from ventanilla.workspace.selectors import notifications_for
from ventanilla.workspace.views.common import agent_required, request_user


def _back(request: HttpRequest) -> HttpResponse:
    """Return to the page the form was on (only our own host), else the inbox."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("workspace:home")


@require_POST
@agent_required
def availability(request: HttpRequest) -> HttpResponse:
    """Mark oneself away (optionally until a date and time) or available."""
    form = AwayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date and time."))
        return _back(request)
    away = form.cleaned_data["away"]
    agent_set_away(user=request_user(request), away=away, until=form.cleaned_data["until"])
    messages.success(request, _("You are away.") if away else _("You are available."))
    return _back(request)


@agent_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The agent's latest notifications, unread first in the eye (marked)."""
    context = {"notifications": notifications_for(user=request.user)}
    return render(request, "workspace/notifications.html", context)


@require_POST
@agent_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    notifications_mark_read(user=request_user(request))
    return redirect("workspace:notifications")
