"""What every workspace view shares: the agent-only guard."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ventanilla.agents.permissions import is_agent

View = Callable[..., HttpResponse]


def agent_required(view: View) -> View:
    """Send anonymous visitors to the login page; refuse logged-in users who are no agents."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def is_htmx(request: HttpRequest) -> bool:
    """True for requests made by htmx (they get a partial page)."""
    return request.headers.get("HX-Request") == "true"


def request_user(request: HttpRequest) -> User:
    """Return the logged-in agent of a request that passed ``agent_required``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
