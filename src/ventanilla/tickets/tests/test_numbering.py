"""Ticket numbers: prefix per mailbox, per year, never reused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.services import ticket_create_from_mail, ticket_number_next


@pytest.mark.django_db
def test_numbers_count_up_per_prefix_and_year():
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert ticket_number_next(prefix="SOP", when=when) == "SOP-2026-00001"
    assert ticket_number_next(prefix="SOP", when=when) == "SOP-2026-00002"
    assert ticket_number_next(prefix="FAC", when=when) == "FAC-2026-00001"
    assert ticket_number_next(prefix="SOP", when=datetime(2027, 1, 1, 12, tzinfo=UTC)) == (
        "SOP-2027-00001"
    )


@pytest.mark.django_db
def test_year_follows_company_time_zone():
    # 23:30 UTC on 31 December is already 2027 in Madrid (UTC+1).
    when = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert ticket_number_next(prefix="SOP", when=when).startswith("SOP-2027-")


@pytest.mark.django_db
def test_numbers_are_never_reused_after_deletion(mailbox):
    customer = customer_upsert_from_mail(email="ana@cliente.es", name="Ana")
    when = datetime(2026, 5, 5, 10, tzinfo=UTC)
    first = ticket_create_from_mail(
        mailbox=mailbox, customer=customer, subject="a", received_at=when, language="es"
    )
    first.delete()
    second = ticket_create_from_mail(
        mailbox=mailbox, customer=customer, subject="b", received_at=when, language="es"
    )
    assert second.number == "SOP-2026-00002"
    assert second.status == TicketStatus.NEW
    assert second.events.filter(kind="created").exists()
    assert Ticket.objects.count() == 1
