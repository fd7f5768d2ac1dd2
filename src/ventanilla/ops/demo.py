"""The demo: its mailbox, admin login, agents and example tickets, and the lines describing them.

Idempotent: ensure it any number of times. The admin password comes from
``VENTANILLA_ADMIN_PASSWORD`` or is generated once and kept in ``$VENTANILLA_HOME/admin_password``
(mode 600), never in the repository. ``ventanilla demo`` and ``ventanilla run`` print it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ventanilla.agents.selectors import user_by_username
from ventanilla.agents.services import superuser_create, user_password_set
from ventanilla.mail.models import Mailbox
from ventanilla.mail.selectors import mailbox_by_address, mailbox_prefixes
from ventanilla.mail.services import mailbox_create
from ventanilla.ops import demo_data
from ventanilla.ops.demo_data import (
    DemoTicket,
    demo_agents_ensure,
    demo_tickets,
    demo_tickets_ensure,
    describe_agents,
    describe_tickets,
)
from ventanilla.ops.demo_history import demo_history_ensure
from ventanilla.ops.demo_knowledge import demo_knowledge_ensure, describe_search

ADMIN_USERNAME = "admin"
DEMO_PREFIX = "SOP"


@dataclass(frozen=True)
class DemoInfo:
    """What a newcomer needs: the support address and how to log in."""

    mailbox: Mailbox
    admin_username: str
    # None when the admin changed the password since: we no longer know it.
    admin_password: str | None
    password_source: str
    # The example tickets as they were when ``demo_ensure`` returned.
    tickets: tuple[DemoTicket, ...] = ()


def _free_prefix() -> str:
    taken = mailbox_prefixes()
    for candidate in [DEMO_PREFIX, *(f"{DEMO_PREFIX}{n}" for n in range(2, 100))]:
        if candidate not in taken:
            return candidate
    msg = "no free ticket prefix for the demo mailbox"
    raise RuntimeError(msg)


def demo_mailbox(address: str) -> Mailbox:
    """Return the mailbox for ``address``, creating it (prefix SOP) if missing."""
    existing = mailbox_by_address(address)
    if existing is not None:
        return existing
    domain = address.rsplit("@", 1)[-1]
    return mailbox_create(
        name="Soporte",
        address=address,
        prefix=_free_prefix(),
        fallback_contact=f"incidencias@{domain}",
    )


def _store_new_password(path: Path) -> str:
    """Generate a password and keep it in ``path``, readable by its owner only (mode 600)."""
    password = secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)  # O_CREAT's mode does not apply to a file that already existed
    return password


def demo_admin(home: Path) -> tuple[str | None, str]:
    """Make sure the ``admin`` superuser exists; return (password or None, where it comes from).

    The password is ``VENTANILLA_ADMIN_PASSWORD`` if set (and then enforced), else the one
    stored in ``home/admin_password``; None means the admin changed it since, so we cannot show it.
    """
    from_env = os.environ.get("VENTANILLA_ADMIN_PASSWORD", "")
    path = home / "admin_password"
    source = "VENTANILLA_ADMIN_PASSWORD" if from_env else str(path)
    stored = path.read_text().strip() if path.exists() else ""
    user = user_by_username(ADMIN_USERNAME)
    if user is None:
        password = from_env or stored or _store_new_password(path)
        superuser_create(username=ADMIN_USERNAME, password=password)
        return password, source
    if from_env:
        if not user.check_password(from_env):
            # The environment is authoritative: an operator who sets it expects it to work.
            user_password_set(user=user, password=from_env)
        return from_env, source
    if stored and user.check_password(stored):
        return stored, source
    return None, source


@transaction.atomic
def demo_ensure() -> DemoInfo:
    """Create (if missing) the demo mailbox, admin, agents, example tickets and knowledge.

    The demo agents share the admin's password (one secret to print, none in the repo).
    """
    mailbox = demo_mailbox(settings.VENTANILLA_SUPPORT_ADDRESS)
    password, source = demo_admin(Path(settings.VENTANILLA_HOME))
    demo_agents_ensure(mailbox=mailbox, password=password)
    demo_tickets_ensure(mailbox=mailbox)
    agents = [u for a in demo_data.AGENTS if (u := user_by_username(a.username)) is not None]
    demo_history_ensure(mailbox=mailbox, agents=agents, team=demo_data.TEAM_NAME)
    author = user_by_username(demo_data.AGENTS[0].username)
    if author is not None:
        demo_knowledge_ensure(mailbox=mailbox, author=author)
    tickets = tuple(demo_tickets(mailbox=mailbox))
    return DemoInfo(mailbox, ADMIN_USERNAME, password, source, tickets)


def describe(info: DemoInfo) -> list[str]:
    """Return the lines that tell a newcomer the address and the login."""
    box = info.mailbox
    shown = info.admin_password or "(changed since; not shown)"
    return [
        f"Support mailbox: {box.address} (tickets {box.prefix}-YYYY-NNNNN, "
        f"fallback contact {box.fallback_contact or '-'})",
        f"Admin login:     {info.admin_username} / {shown}  (password from {info.password_source})",
        *describe_agents(info.admin_password),
        *describe_tickets(info.tickets),
        *describe_search(info.tickets),
    ]
