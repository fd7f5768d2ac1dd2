"""Helpers of the agent-mail tests: an answer to a notification, and what a refusal looks like."""

from __future__ import annotations

from ventanilla.agents.models import Notification
from ventanilla.mail.models import InboundState, Mailbox, OutboundKind, OutboundMessage
from ventanilla.tickets.models import Article, ArticleKind, Ticket

QUOTED = (
    "\n\nEl mar, 24 nov 2026 a las 10:31, Soporte Empresa <soporte@empresa.es> escribió:\n"
    "> SOP-2026-00001 se le ha asignado.\n> Ver: http://127.0.0.1:8000/t/SOP-2026-00001/\n"
)


SELECTOR = b"s2026"


AR = "Authentication-Results"


def _answer(make_mail, notice, body: str, **kwargs) -> bytes:
    raw: bytes = make_mail(
        sender=kwargs.pop("sender", "Ana Ruiz <ANA@empresa.es>"),
        subject="Re: " + notice.subject,
        body=body,
        in_reply_to=f"<{notice.message_id}>",
        references=f"<{notice.message_id}>",
        **kwargs,
    )
    return raw


def _set_check(value: str) -> None:
    Mailbox.objects.update(agent_mail_check=value)


def _assert_not_acted_on(ticket: Ticket, inbound, agent_username: str, reason: str) -> Article:
    """Nothing done in the agent's name; the mail is kept on the ticket as received mail."""
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    assert not Article.objects.filter(ticket=ticket, kind=ArticleKind.NOTE).exists()
    assert not Article.objects.filter(ticket=ticket, author__isnull=False).exists()
    assert inbound.state == InboundState.PROCESSED
    assert inbound.ticket_id == ticket.pk
    assert any(r.startswith("agent-mail: kept as received mail") for r in inbound.reasons)
    assert any(reason in r for r in inbound.reasons), inbound.reasons
    received = Article.objects.get(inbound=inbound)
    assert (received.direction, received.kind, received.author) == ("in", "mail", None)
    notice = Notification.objects.get(user__username=agent_username, kind="agent-mail-ignored")
    assert "no se ha enviado a nadie" in notice.text
    return received
