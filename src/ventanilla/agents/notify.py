"""Tell agents that something needs them: an in-app notification and, optionally, a mail.

``agent_notify`` is the one writer of ``Notification`` rows. Every notice is written in the
language of the agent who reads it: pass ``text`` as a lazy translation (``gettext_lazy`` or
``django.utils.text.format_lazy(gettext_lazy("Ticket {number} ..."), number=...)``) and it is
evaluated once per agent inside ``translation.override(agent language)``.

The mail goes through the outbox (``outbound_queue``: written in the caller's transaction,
sent on commit) from the ticket's mailbox, with a Message-ID signed with the ticket number
*and bound to the agent it is sent to* (``core/signing.make_recipient_message_id``), so an
agent who answers the notification from his mail client lands in the ticket's thread, and
his answer proves it answers mail sent to him (``mail/pipeline/handlers/agent_mail.py``): a
customer holds our ticket tokens, never one bound to an agent. It carries
``Auto-Submitted`` (RFC 3834 §5) so vacation responders stay quiet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise

from ventanilla.agents.models import Notification
from ventanilla.agents.names import agent_display_name
from ventanilla.core.signing import make_recipient_message_id
from ventanilla.mail.models import Mailbox, OutboundKind, OutboundMessage
from ventanilla.outbound.addresses import AddressError
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.render import render_builtin
from ventanilla.outbound.services import outbound_queue
from ventanilla.tickets.models import Ticket

logger = logging.getLogger(__name__)

TEXT_CHARS = 500  # Notification.text max_length


def ticket_url(ticket: Ticket) -> str:
    """Return the absolute link to ``ticket`` in the workspace (``VENTANILLA_BASE_URL``)."""
    base = str(settings.VENTANILLA_BASE_URL).rstrip("/")
    return f"{base}/t/{ticket.number}/"


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
    mailbox = ticket.mailbox if ticket is not None else _default_mailbox()
    if mailbox is None:
        return None
    context = _mail_context(user=user, ticket=ticket, text=text)
    subject = one_line(render_builtin("mail/notification_subject.txt", language, context), 998)
    body = render_builtin("mail/notification_body.txt", language, context)
    name = one_line(agent_display_name(user), 200).replace('"', "")
    try:
        # A savepoint: a refused address must not poison the caller's transaction.
        with transaction.atomic():
            return outbound_queue(
                mailbox=mailbox,
                ticket=ticket,
                kind=OutboundKind.NOTIFICATION,
                to=[f'"{name}" <{user.email}>'],
                subject=subject,
                text=body.strip() + "\n",
                automatic=True,
                language=language,
                message_id=_message_id(mailbox=mailbox, ticket=ticket, recipient=user.email),
            )
    except AddressError:
        logger.warning("notification mail to %r not queued: bad address", user.email)
        return None


def _message_id(*, mailbox: Mailbox, ticket: Ticket | None, recipient: str) -> str:
    """A Message-ID bound to the agent (about a ticket), else a fresh one from the outbox."""
    if ticket is None:
        return ""  # nothing to answer by mail: ``outbound_queue`` picks a plain id
    return make_recipient_message_id(
        ticket_number=ticket.number, recipient=recipient, domain=mailbox.domain
    )


def _mail_context(*, user: User, ticket: Ticket | None, text: str) -> dict[str, Any]:
    """Plain values for the notification templates (templates never reach the ORM)."""
    return {
        "agent_name": user.first_name.strip() or agent_display_name(user),
        "text": text,
        "ticket": {
            "number": ticket.number if ticket else "",
            "subject": one_line(ticket.subject, 200) if ticket else "",
            "url": ticket_url(ticket) if ticket else "",
        },
    }


def _default_mailbox() -> Mailbox | None:
    """The mailbox that sends notices about no ticket: the support address, else any active."""
    support = str(getattr(settings, "VENTANILLA_SUPPORT_ADDRESS", ""))
    mailboxes = Mailbox.objects.filter(active=True)
    return mailboxes.filter(address=support).first() or mailboxes.order_by("pk").first()
