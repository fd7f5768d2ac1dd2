"""Tell agents that something needs them: an in-app notification and, optionally, a mail.

``agent_notify`` is the one writer of ``Notification`` rows. Every notice is written in the
language of the agent who reads it: pass ``text`` as a lazy translation (``gettext_lazy`` or
``django.utils.text.format_lazy(gettext_lazy("Ticket {number} ..."), number=...)``) and it is
evaluated once per agent inside ``translation.override(agent language)``.

The mail is ``outbound.kinds.notification``'s (threaded to the ticket, bound to the agent);
it goes through the outbox (``outbound_queue``: written in the caller's transaction, sent on
commit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise

from ventanilla.agents.models import Notification
from ventanilla.agents.names import agent_display_name
from ventanilla.mail.models import OutboundMessage
from ventanilla.outbound.addresses import AddressError
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.draft import TicketRef
from ventanilla.outbound.kinds.notification import NotifiedAgent, notification_draft
from ventanilla.outbound.services import outbound_queue

if TYPE_CHECKING:
    from ventanilla.tickets.models import Ticket

logger = logging.getLogger(__name__)

TEXT_CHARS = 500  # Notification.text max_length


def agent_language(user: User) -> str:
    """Return the language the agent reads (his profile's, else the site default)."""
    supported = {code for code, _name in settings.LANGUAGES}
    profile = getattr(user, "agent", None)
    language = getattr(profile, "language", "") if profile is not None else ""
    return language if language in supported else str(settings.LANGUAGE_CODE)


@transaction.atomic
def agent_notify(
    *,
    users: Iterable[User],
    ticket: Ticket | None,
    kind: str,
    text: str | Promise,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per user (each once) and queue a mail to each, in his language.

    ``kind`` is a short code (``assigned``, ``sla-warning``, ``sla-breached``...). Inactive
    users are skipped. A user without a writable address gets the in-app notice only (the
    problem is logged), so a bad address never rolls back the change that notified him.
    """
    notifications: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        language = agent_language(user)
        with translation.override(language):
            rendered = one_line(str(text), TEXT_CHARS)
        notifications.append(
            Notification.objects.create(user=user, ticket=ticket, kind=kind, text=rendered)
        )
        if email and user.email:
            _queue_mail(user=user, ticket=ticket, text=rendered, language=language)
    return notifications


def _queue_mail(
    *, user: User, ticket: Ticket | None, text: str, language: str
) -> OutboundMessage | None:
    """Queue the notification mail for ``user`` (None when there is no mailbox to send from)."""
    about = (
        TicketRef(
            id=ticket.pk, number=ticket.number, subject=ticket.subject, mailbox=ticket.mailbox
        )
        if ticket is not None
        else None
    )
    name = agent_display_name(user)
    agent = NotifiedAgent(
        display_name=name,
        greeting_name=user.first_name.strip() or name,
        email=user.email,
        language=language,
    )
    draft = notification_draft(agent=agent, about=about, text=text)
    if draft is None:
        return None
    try:
        # A savepoint: a refused address must not poison the caller's transaction.
        with transaction.atomic():
            return outbound_queue(draft=draft)
    except AddressError:
        logger.warning("notification mail to %r not queued: bad address", user.email)
        return None
