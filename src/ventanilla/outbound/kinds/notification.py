"""The mail that tells an agent something needs him (the in-app notice is ``agents.notify``).

It goes from the ticket's mailbox (else the support mailbox), in the agent's language, with
a Message-ID signed with the ticket number *and bound to the agent it is sent to*
(``core/signing.make_recipient_message_id``), so an agent who answers the notification from
his mail client lands in the ticket's thread, and his answer proves it answers mail sent to
him (``pipeline/handlers/agent_mail.py``): a customer holds our ticket tokens, never one
bound to an agent. It carries ``Auto-Submitted`` (RFC 3834 §5) so vacation responders stay
quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ventanilla.core.signing import make_plain_message_id, make_recipient_message_id
from ventanilla.mail.models import Mailbox, OutboundKind
from ventanilla.outbound.compose import one_line
from ventanilla.outbound.draft import Draft, TicketRef
from ventanilla.outbound.render import render_builtin


@dataclass(frozen=True)
class NotifiedAgent:
    """The agent a notification mail goes to: shown name, greeting name, address, language."""

    display_name: str
    greeting_name: str
    email: str
    language: str


def ticket_link(number: str) -> str:
    """Return the absolute link to ticket ``number`` in the workspace (``VENTANILLA_BASE_URL``)."""
    base = str(settings.VENTANILLA_BASE_URL).rstrip("/")
    return f"{base}/t/{number}/"


def notification_mailbox(about: TicketRef | None) -> Mailbox | None:
    """The mailbox to send from: the ticket's, else the support address, else any active one."""
    if about is not None:
        return about.mailbox
    support = str(getattr(settings, "VENTANILLA_SUPPORT_ADDRESS", ""))
    mailboxes = Mailbox.objects.filter(active=True)
    return mailboxes.filter(address=support).first() or mailboxes.order_by("pk").first()


def notification_draft(*, agent: NotifiedAgent, about: TicketRef | None, text: str) -> Draft | None:
    """Return the notification mail ``text`` for ``agent`` (None: no mailbox to send from)."""
    mailbox = notification_mailbox(about)
    if mailbox is None:
        return None
    context = _context(agent=agent, about=about, text=text)
    subject = render_builtin("mail/notification_subject.txt", agent.language, context)
    body = render_builtin("mail/notification_body.txt", agent.language, context)
    name = one_line(agent.display_name, 200).replace('"', "")
    return Draft(
        mailbox=mailbox,
        kind=OutboundKind.NOTIFICATION,
        message_id=_message_id(mailbox=mailbox, about=about, recipient=agent.email),
        to=(f'"{name}" <{agent.email}>',),
        subject=one_line(subject, 998),
        text=body.strip() + "\n",
        automatic=True,
        language=agent.language,
        ticket_id=about.id if about is not None else None,
    )


def _message_id(*, mailbox: Mailbox, about: TicketRef | None, recipient: str) -> str:
    """A Message-ID bound to the agent (about a ticket), else a plain one."""
    if about is None:
        return make_plain_message_id(domain=mailbox.domain)  # nothing to answer by mail
    return make_recipient_message_id(
        ticket_number=about.number, recipient=recipient, domain=mailbox.domain
    )


def _context(*, agent: NotifiedAgent, about: TicketRef | None, text: str) -> dict[str, Any]:
    """Plain values for the notification templates (templates never reach the ORM)."""
    return {
        "agent_name": agent.greeting_name,
        "text": text,
        "ticket": {
            "number": about.number if about else "",
            "subject": one_line(about.subject, 200) if about else "",
            "url": ticket_link(about.number) if about else "",
        },
    }
