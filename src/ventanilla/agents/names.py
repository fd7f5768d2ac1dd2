"""How an agent is named wherever people read it: the full name, else the login.

Audit rows and permissions keep the username (stable, unique); everything shown to a person
(the workspace, the history, assignment mails) goes through ``agent_display_name``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User


def agent_display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """Return "First Last" when the agent has a name, else his username ("" for nobody)."""
    if user is None:
        return ""
    full = user.get_full_name().strip() if isinstance(user, User) else ""
    return " ".join(full.split()) or str(user.get_username())


def agent_display_names(usernames: Iterable[str]) -> dict[str, str]:
    """Return username → display name for the given logins, in one query.

    Usernames that match no user (deleted agents, "system") are left out; callers show them
    as they are stored.
    """
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    users = User.objects.filter(username__in=wanted).only("username", "first_name", "last_name")
    return {user.username: agent_display_name(user) for user in users}
