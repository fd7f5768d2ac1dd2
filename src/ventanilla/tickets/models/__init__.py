"""Tickets and their conversation, plus the configuration of priority and SLA.

Ticket, Article (one per mail or note), Attachment, Participant, TicketEvent, TicketCounter,
Tag, CannedResponse, PriorityCell (the urgency × impact matrix), SlaPolicy, BusinessCalendar
and Holiday. They live in modules named by what they hold; every public name is re-exported
here so that ``from ventanilla.tickets.models import X`` keeps working.
"""

from ventanilla.tickets.models.conversation import (
    Article,
    ArticleDirection,
    ArticleKind,
    Attachment,
    CannedResponse,
    TicketEvent,
)
from ventanilla.tickets.models.satisfaction import Rating, SatisfactionRating
from ventanilla.tickets.models.service_levels import (
    BusinessCalendar,
    Holiday,
    PriorityCell,
    SlaPolicy,
)
from ventanilla.tickets.models.ticket import (
    Level,
    Participant,
    Priority,
    Tag,
    Ticket,
    TicketCounter,
    TicketStatus,
)

__all__ = [
    "Article",
    "ArticleDirection",
    "ArticleKind",
    "Attachment",
    "BusinessCalendar",
    "CannedResponse",
    "Holiday",
    "Level",
    "Participant",
    "Priority",
    "PriorityCell",
    "Rating",
    "SatisfactionRating",
    "SlaPolicy",
    "Tag",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "TicketStatus",
]
