"""Template tags of the Knowledge section: the articles of a ticket, for its side panel."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.selectors import knowledge_for_ticket
from ventanilla.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def ticket_knowledge(ticket: Ticket) -> QuerySet[KnowledgeArticle]:
    """The articles drafted from ``ticket`` or linked to it."""
    return knowledge_for_ticket(ticket=ticket)
