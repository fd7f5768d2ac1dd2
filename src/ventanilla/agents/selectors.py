"""Reads on agents and teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from ventanilla.agents.models import AgentProfile, Notification, Role, Team


def agent_profile(user: AbstractBaseUser | AnonymousUser) -> AgentProfile | None:
    """Return the agent profile of ``user``, or None for anonymous users and customers."""
    if not user.is_authenticated:
        return None
    try:
        return user.agent  # type: ignore[attr-defined,no-any-return]
    except AgentProfile.DoesNotExist:
        return None


def agent_role(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """Return ``admin``/``supervisor``/``agent`` or None when ``user`` is no agent."""
    profile = agent_profile(user)
    return None if profile is None else profile.role


def agent_is_available(profile: AgentProfile, *, now: datetime | None = None) -> bool:
    """True unless the agent is away and the absence has not ended yet."""
    if not profile.away:
        return True
    return profile.away_until is not None and profile.away_until <= (now or timezone.now())


def agent_is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for supervisors and admins (they see and manage every queue)."""
    return agent_role(user) in (Role.ADMIN, Role.SUPERVISOR)


def agent_users_active() -> QuerySet[User]:
    """Return the active logins that have an agent profile, by username."""
    return User.objects.filter(agent__isnull=False, is_active=True).order_by("username")


def team_list() -> QuerySet[Team]:
    """Return every team (a lazy query: forms and templates evaluate it when they read it)."""
    return Team.objects.all()


def team_ids_of(*, user_id: int | None) -> QuerySet[Team, Any]:
    """Return the ids of the teams ``user_id`` belongs to, as a subquery (``values("pk")``)."""
    return Team.objects.filter(members=user_id).values("pk")


def team_by_name(name: str) -> Team | None:
    """Return the team called ``name``, or None."""
    return Team.objects.filter(name=name).first()


def notification_unread_for(*, user_id: int | None) -> QuerySet[Notification]:
    """Return the unread notifications of ``user_id`` (lazy: count them only when shown)."""
    return Notification.objects.filter(user=user_id, read_at__isnull=True)


def notification_latest_for(*, user_id: int | None, limit: int = 100) -> list[Notification]:
    """Return the latest notifications of ``user_id``, newest first, with their tickets."""
    return list(
        Notification.objects.filter(user=user_id)
        .select_related("ticket")
        .order_by("-created_at", "-id")[:limit]
    )


def user_by_username(username: str) -> User | None:
    """Return the login called ``username`` (agent or not), or None."""
    return User.objects.filter(username=username).first()


def agent_by_email(email: str) -> User | None:
    """Return the active agent whose login address is ``email`` (case-insensitive), or None.

    Two agents sharing one address would make the sender ambiguous: then nobody is returned.
    """
    address = email.strip()
    if not address:
        return None
    users = list(
        User.objects.filter(email__iexact=address, is_active=True, agent__isnull=False)[:2]
    )
    return users[0] if len(users) == 1 else None


def agent_login_emails() -> frozenset[str]:
    """Return the lowercased e-mail of every agent login, active or not."""
    emails = User.objects.filter(agent__isnull=False).values_list("email", flat=True)
    return frozenset(e.strip().lower() for e in emails if e and e.strip())


def agent_login_by_email(email: str) -> User | None:
    """Return an agent login (active or not) whose address is ``email``, or None."""
    return User.objects.filter(email__iexact=email, agent__isnull=False).first()
