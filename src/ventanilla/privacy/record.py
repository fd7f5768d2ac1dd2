"""The mail side of a ticket's full record: every mail in and out, with its delivery state.

The ticket page shows it beside the audit events (``workspace/history.py``), so the record
of a case reads whole in one place: who changed what and when, and what reached whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User

from ventanilla.agents.names import agent_display_name
from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.tickets.models import Ticket


@dataclass(frozen=True)
class MailLine:
    """One mail of the ticket as shown: when, which way, what, to or from whom, its state."""

    at: datetime
    incoming: bool
    kind: str
    address: str
    subject: str
    state: str
    attempts: int
    error: str
    sent_at: datetime | None


def _agents_by_address(messages: list[OutboundMessage]) -> dict[str, str]:
    """Address → display name of the agents among the recipients (notifications), one query."""
    addresses = {a.lower() for m in messages for a in m.recipients or []}
    if not addresses:
        return {}
    users = User.objects.filter(email__in=addresses, agent__isnull=False)
    return {u.email.lower(): agent_display_name(u) for u in users}


def _recipients(message: OutboundMessage, agents: dict[str, str]) -> str:
    # Agents are shown by name, as everywhere in the workspace, never by address or login.
    return ", ".join(agents.get(a.lower(), a) for a in message.recipients or [])


def ticket_mail_record(*, ticket: Ticket) -> list[MailLine]:
    """Return every stored mail in and out of ``ticket``, oldest first (three queries)."""
    inbound = InboundMessage.objects.filter(ticket=ticket).defer("raw")
    outbound = list(OutboundMessage.objects.filter(ticket=ticket).defer("raw"))
    agents = _agents_by_address(outbound)
    lines = [
        MailLine(
            at=m.received_at,
            incoming=True,
            kind=m.source,
            address=m.sender,
            subject=m.subject,
            state=m.get_state_display(),
            attempts=m.attempts,
            error=m.error,
            sent_at=None,
        )
        for m in inbound
    ]
    lines += [
        MailLine(
            at=m.created_at,
            incoming=False,
            kind=m.get_kind_display(),
            address=_recipients(m, agents),
            subject=m.subject,
            state=m.get_state_display(),
            attempts=m.attempts,
            error=m.last_error,
            sent_at=m.sent_at,
        )
        for m in outbound
    ]
    return sorted(lines, key=lambda line: line.at)
