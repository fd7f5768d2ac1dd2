"""The ticket as its customer reads it: plain words, no internal vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ventanilla.agents.names import agent_display_name
from ventanilla.tickets.models import Article, ArticleDirection, Priority, Ticket, TicketStatus


def status_words(status: str) -> tuple[str, str]:
    """Return (words, css class) for a ticket status, as the customer should read it."""
    if status == TicketStatus.PENDING:
        return _("waiting for your answer"), "waiting"
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return _("solved"), "solved"
    return _("we are working on it"), "working"


def priority_words(priority: int) -> str:
    """Return the priority in plain words."""
    words: dict[int, str] = {
        Priority.P1: _("critical"),
        Priority.P2: _("high"),
        Priority.P3: _("normal"),
        Priority.P4: _("low"),
    }
    return words.get(priority, _("normal"))


@dataclass(frozen=True)
class ShownArticle:
    """One message of the conversation as the page shows it."""

    article: Article
    who: str
    ours: bool
    text: str


def shown_article(article: Article, *, ticket: Ticket) -> ShownArticle:
    """Name the author the way the customer knows him: "you", the agent, or the sender."""
    if article.direction == ArticleDirection.OUT:
        mailbox = ticket.mailbox
        team = mailbox.sender_name or mailbox.name
        agent = agent_display_name(article.author)
        who = f"{agent} ({team})" if agent else team
        return ShownArticle(article, who, True, article.text)
    if article.sender_email.lower() == ticket.customer.email.lower():
        who = _("You")
    else:
        who = article.sender_name or article.sender_email
    return ShownArticle(article, who, False, article.new_text or article.text)
