"""Authentication of API calls: a personal bearer token, or the agent's browser session.

The session path keeps django-ninja's CSRF check (a cookie alone must not let another site
write through the agent's browser); a token is sent deliberately and needs none. Either way
only active agents get in, and ``request.user`` becomes the token's owner, so every
permission question below is asked about him (``agents/permissions.py``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from ventanilla.agents.permissions import is_agent
from ventanilla.agents.token_services import api_token_authenticate
from ventanilla.agents.tokens import ApiToken, ApiTokenScope
from ventanilla.api.problems import ApiProblem

REQUEST_ATTR = "ventanilla_api_token"


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer vt_...``: a live personal token of an active agent."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """Return the token's owner (and remember the token), or None."""
        found = api_token_authenticate(secret=token)
        if found is None:
            return None
        setattr(request, REQUEST_ATTR, found)
        request.user = found.user
        return found.user


class AgentSessionAuth(SessionAuth):
    """The workspace's session cookie (with CSRF on unsafe methods), agents only."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """Return the signed-in agent, or None."""
        user = request.user
        return user if user.is_authenticated and is_agent(user) else None


API_AUTH = [BearerTokenAuth(), AgentSessionAuth()]


def api_user(request: HttpRequest) -> User:
    """Return the authenticated agent of an API request."""
    user = request.user
    if not isinstance(user, User):
        raise ApiProblem(401, _("Not authenticated."))
    return user


def require_write(request: HttpRequest) -> User:
    """Return the agent, refusing a read-only token (403) for a write."""
    token: ApiToken | None = getattr(request, REQUEST_ATTR, None)
    if token is not None and token.scope != ApiTokenScope.WRITE:
        raise ApiProblem(403, _("This token may only read."), kind="read-only-token")
    return api_user(request)
