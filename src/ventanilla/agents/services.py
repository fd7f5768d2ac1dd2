"""Writes on agents and teams: create them, set availability; the admin login and passwords."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from ventanilla.agents.models import AgentProfile, AssignmentPolicy, Role, Team


@transaction.atomic
def agent_create(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str = Role.AGENT,
    language: str = "es",
    first_name: str = "",
    last_name: str = "",
    teams: Iterable[Team] = (),
    signature: str = "",
) -> User:
    """Create a login for an agent with its profile and team memberships.

    Admins also get Django's staff and superuser flags, so the admin site is theirs too.
    ``password=None`` creates an account that cannot log in until a password is set.
    """
    is_admin = role == Role.ADMIN
    user = User.objects.create_user(
        username=username,
        email=email.strip().lower(),
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    AgentProfile.objects.create(user=user, role=role, language=language, signature=signature)
    for team in teams:
        team.members.add(user)
    return user


@transaction.atomic
def team_create(
    *, name: str, policy: str = AssignmentPolicy.MANUAL, members: Iterable[User] = ()
) -> Team:
    """Create a team (a queue) with its assignment policy and members."""
    team = Team.objects.create(name=name, policy=policy)
    team.members.add(*members)
    return team


@transaction.atomic
def agent_set_away(*, user: User, away: bool, until: datetime | None = None) -> AgentProfile:
    """Mark an agent away (optionally until a date) or available again.

    Away agents are skipped by automatic assignment; ``until`` in the past counts as available
    (see ``agents.selectors.agent_is_available``), so nobody has to remember to come back.
    """
    profile = AgentProfile.objects.select_for_update().get(user=user)
    profile.away = away
    profile.away_until = until if away else None
    profile.save(update_fields=["away", "away_until"])
    return profile


@transaction.atomic
def superuser_create(*, username: str, password: str) -> User:
    """Create a Django superuser (the admin site's login; no agent profile, no address)."""
    return User.objects.create_superuser(username=username, email="", password=password)


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Set ``user``'s password (hashed by Django's password hasher)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def agent_profile_ensure(*, user: User, role: str) -> AgentProfile:
    """Give ``user`` an agent profile with ``role`` unless he has one (kept as it is)."""
    profile, _created = AgentProfile.objects.get_or_create(user=user, defaults={"role": role})
    return profile
