"""The acknowledgement limit counts one customer's acks, never every recent ack."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import Mailbox, OutboundKind, OutboundMessage
from ventanilla.outbound import policy
from ventanilla.outbound.tests.drafts import outbound_queue
from ventanilla.tickets.services import ticket_create_from_mail


def _acked(mailbox: Mailbox, email: str, count: int) -> None:
    customer = customer_upsert_from_mail(email=email, name="")
    for n in range(count):
        ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=f"Petición {n}",
            received_at=timezone.now(),
            language="",
        )
        outbound_queue(
            mailbox=mailbox, ticket=ticket, kind=OutboundKind.ACK, to=[email], subject="s", text="t"
        )


@pytest.mark.django_db
def test_only_this_customers_acks_within_the_window_count(mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(ack_limit=3, ack_window_minutes=60)
    mailbox.refresh_from_db()
    _acked(mailbox, "otro@cliente.es", 5)  # another customer's acks never count
    _acked(mailbox, "ana@cliente.es", 3)
    assert policy.ack_rate_limited(mailbox=mailbox, email="ANA@cliente.es")
    # Acks older than the window no longer count.
    old = timezone.now() - timedelta(minutes=61)
    OutboundMessage.objects.filter(ticket__customer__email="ana@cliente.es").update(created_at=old)
    assert not policy.ack_rate_limited(mailbox=mailbox, email="ana@cliente.es")
    assert not policy.ack_rate_limited(mailbox=mailbox, email="nadie@cliente.es")


@pytest.mark.django_db
def test_one_statement_through_the_customers_tickets(mailbox):
    _acked(mailbox, "ana@cliente.es", 2)
    with CaptureQueriesContext(connection) as queries:
        policy.ack_rate_limited(mailbox=mailbox, email="ana@cliente.es")
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "sqlite":
        # A fresh file has no statistics: the plan must not depend on them. Without the
        # ticket IN (...) form SQLite scanned every recent ack through (kind, created_at).
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "outbound_ticket_kind" in plan, plan
        assert "outbound_kind_created" not in plan, plan
