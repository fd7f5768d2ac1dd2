"""``ventanilla apitoken LOGIN [--name NAME] [--scope read|write] [--days N]``.

Makes a personal API token for an agent from a shell (the workspace's "API tokens" page does
the same in the browser) and prints its secret, the only time it is shown.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ventanilla.agents.selectors import agent_profile, user_by_username
from ventanilla.agents.token_services import api_token_create
from ventanilla.agents.tokens import ApiTokenScope


class Command(BaseCommand):
    """Make an API token for an agent and print it once."""

    help = "Make a personal API token for an agent and print it (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Add the login, ``--name``, ``--scope`` and ``--days``."""
        parser.add_argument("login", help="the agent's login")
        parser.add_argument("--name", default="cli", help="what the token is for")
        parser.add_argument("--scope", choices=ApiTokenScope.values, default=ApiTokenScope.READ)
        parser.add_argument("--days", type=int, default=0, help="valid this many days (0: no end)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Make the token and print its secret."""
        user = user_by_username(options["login"])
        if user is None or not user.is_active or agent_profile(user) is None:
            msg = f"no active agent called {options['login']!r}"
            raise CommandError(msg)
        days = options["days"]
        expires = timezone.now() + timedelta(days=days) if days > 0 else None
        made = api_token_create(
            user=user, name=options["name"], scope=options["scope"], expires_at=expires
        )
        self.stdout.write(made.secret)
