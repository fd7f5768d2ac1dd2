"""The text that stands for a ticket or a knowledge article when it is embedded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ventanilla.tickets.models import Article, ArticleDirection

if TYPE_CHECKING:
    from ventanilla.knowledge.models import KnowledgeArticle
    from ventanilla.tickets.models import Ticket

# The encoder averages over its input: past the first lines more text only dilutes the
# problem statement, and its cost grows with the length (about 6 ms of CPU for 400
# characters, 32 ms for 2,000, one BLAS thread): the worker must keep up with an import.
MAX_CHARS = 600
NOTE_CHARS = 300


def ticket_problem(ticket: Ticket) -> str:
    """Subject and the customer's first words: what a similar ticket must be about."""
    first = (
        Article.objects.filter(ticket=ticket, direction=ArticleDirection.IN)
        .order_by("created_at", "id")
        .values_list("new_text", "text")
        .first()
    )
    body = (first[0] or first[1]) if first else ""
    return f"{ticket.subject}\n{body}"[:MAX_CHARS]


def ticket_text(ticket: Ticket) -> str:
    """The problem and, once resolved, how it was solved."""
    note = ticket.resolution_note.strip()
    text = ticket_problem(ticket)
    return f"{text}\n{note[:NOTE_CHARS]}" if note else text


def knowledge_text(article: KnowledgeArticle) -> str:
    """Title and the start of the body."""
    return f"{article.title}\n{article.body}"[:MAX_CHARS]
