"""What a signed-in customer may see of the tickets: his own, and his organisation's if shared.

The organisation's tickets are shown only when the organisation has
``portal_shares_tickets`` on; otherwise a customer sees exactly the tickets whose customer
he is, as everywhere else in the portal. A ticket merged into another is listed through the
one it was merged into.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ventanilla.customers.models import Customer
from ventanilla.tickets.models import Ticket, TicketStatus

SCOPE_MINE = "mine"
SCOPE_ORGANISATION = "organisation"
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING),
    "closed": (TicketStatus.RESOLVED, TicketStatus.CLOSED),
}


@dataclass(frozen=True)
class RequestFilters:
    """The list's filters as the page's query string gives them (checked by the view)."""

    scope: str = SCOPE_MINE
    status: str = ""
    query: str = ""


def customer_sees_organisation(*, customer: Customer) -> bool:
    """True when ``customer`` may see his organisation's tickets (the organisation allows it)."""
    organisation = customer.organisation
    return organisation is not None and organisation.portal_shares_tickets


def portal_ticket_list(*, customer: Customer, filters: RequestFilters) -> QuerySet[Ticket]:
    """The tickets ``customer`` may see, filtered, most recent activity first."""
    if filters.scope == SCOPE_ORGANISATION and customer_sees_organisation(customer=customer):
        visible = Q(customer__organisation_id=customer.organisation_id)
    else:
        visible = Q(customer=customer)
    tickets = Ticket.objects.filter(visible, merged_into__isnull=True)
    if filters.status in STATUS_GROUPS:
        tickets = tickets.filter(status__in=STATUS_GROUPS[filters.status])
    query = filters.query.strip()
    if query:
        tickets = tickets.filter(Q(subject__icontains=query) | Q(number__iexact=query))
    return tickets.select_related("customer").order_by("-last_activity_at", "-id")
