"""Reads for the data-rights pages: a customer by id, and what is held about him."""

from __future__ import annotations

from dataclasses import dataclass

from ventanilla.agents.audit import sensitive_actions_for
from ventanilla.agents.audit_log import SensitiveAction
from ventanilla.customers.models import Customer
from ventanilla.privacy.erasure import erasure_inbound, erasure_outbound
from ventanilla.tickets.models import Attachment, Ticket


@dataclass(frozen=True)
class HeldData:
    """What an export would hand out and an erasure would remove, counted."""

    tickets: int
    mail_in: int
    mail_out: int
    attachments: int
    actions: list[SensitiveAction]


def customer_by_id(*, customer_id: int) -> Customer | None:
    """Return the customer with this id, or None."""
    return Customer.objects.select_related("organisation").filter(pk=customer_id).first()


def customer_held_data(*, customer: Customer) -> HeldData:
    """Count the customer's tickets, mail and files, and list the log rows about him."""
    return HeldData(
        tickets=Ticket.objects.filter(customer=customer).count(),
        mail_in=erasure_inbound(customer=customer).count(),
        mail_out=erasure_outbound(customer=customer).count(),
        attachments=Attachment.objects.filter(article__ticket__customer=customer).count(),
        actions=list(sensitive_actions_for(target=f"customer:{customer.pk}")[:50]),
    )
