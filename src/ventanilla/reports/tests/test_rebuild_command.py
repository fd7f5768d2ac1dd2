"""``ventanilla reports rebuild`` recomputes the rollups the listener keeps."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.reports.columns import VALUES
from ventanilla.reports.models import Rollup, TicketState
from ventanilla.tickets.services import ticket_create_from_mail
from ventanilla.tickets.states import ticket_transition


@pytest.mark.django_db
def test_rebuild_restores_the_live_rollups(mailbox):
    for n in range(3):
        customer = customer_upsert_from_mail(email=f"c{n}@x.es", name="C")
        ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject="s",
            received_at=timezone.now(),
            language="es",
        )
        ticket_transition(ticket=ticket, to="resolved")
    live = sorted(Rollup.objects.values_list("grain", "start", "facet", *VALUES))
    Rollup.objects.all().delete()
    TicketState.objects.all().delete()
    out = io.StringIO()
    call_command("reports", "rebuild", stdout=out)
    assert sorted(Rollup.objects.values_list("grain", "start", "facet", *VALUES)) == live
    assert "3" in out.getvalue()
    assert sum(r[3] for r in live if r[0] == "d") == 3  # created
