"""Erasure reaches the delivery log: no copy of an erased customer's data stays in a payload.

A payload carries a summary of its ticket (the customer's address, the subject) as it was
when the event was recorded; the delivery log keeps it, and so does a delivery still waiting
for its subscriber. When a customer is erased (``customers.signals.customer_erased``, sent
inside the erasure's transaction), every delivery of his tickets gets the ticket's summary
as it is now, anonymised, and forgets what the receiver answered (it may echo the payload).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Subquery

from ventanilla.tickets.models import TicketEvent
from ventanilla.webhooks.models import WebhookDelivery
from ventanilla.webhooks.payloads import ticket_summary


def webhook_payloads_scrub(*, ticket_ids: Collection[int]) -> int:
    """Rewrite the payloads of deliveries about ``ticket_ids``; return how many changed."""
    if not ticket_ids:
        return 0
    event_ids = TicketEvent.objects.filter(ticket_id__in=ticket_ids).values("pk")
    deliveries = list(
        WebhookDelivery.objects.filter(ticket_event_id__in=Subquery(event_ids)).only(
            "pk", "payload", "last_response_body"
        )
    )
    summaries: dict[int, dict[str, Any]] = {}
    for delivery in deliveries:
        data = delivery.payload.get("data", {})
        ticket_id = data.get("ticket", {}).get("id")
        if ticket_id in ticket_ids:
            if ticket_id not in summaries:
                summaries[ticket_id] = ticket_summary(ticket_id)
            data["ticket"] = summaries[ticket_id]
        delivery.last_response_body = ""
    WebhookDelivery.objects.bulk_update(deliveries, ["payload", "last_response_body"])
    return len(deliveries)


def on_customer_erased(sender: object, *, ticket_ids: Collection[int], **kwargs: Any) -> None:
    """``customer_erased`` receiver: scrub the deliveries of the erased customer's tickets."""
    webhook_payloads_scrub(ticket_ids=set(ticket_ids))
