"""The export carries the issue-4 facts: triage, team, assignee, tags, resolution, links, SLA."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ventanilla.tickets.export import ticket_export_iter
from ventanilla.tickets.lifecycle import ticket_merge, ticket_resolve, ticket_tags_set
from ventanilla.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_export_has_lifecycle_and_work_fields(deliver, make_mail, make_agent, team):
    agent = make_agent("ana", teams=[team])
    deliver(make_mail(subject="Primero"))
    deliver(make_mail(subject="Duplicado", sender="marta@cliente.es"))
    first, duplicate = Ticket.objects.order_by("pk")
    due = timezone.now() + timedelta(hours=4)
    Ticket.objects.filter(pk=first.pk).update(
        team=team, assignee=agent, urgency="high", impact="low", priority=2, resolution_due_at=due
    )
    ticket_tags_set(ticket=first, names=["VPN", "red"], actor=agent)
    ticket_merge(source=duplicate, target=first, actor=agent)
    ticket_resolve(ticket=first, actor=agent, note="Reinicio del concentrador VPN.")
    Ticket.objects.filter(pk=first.pk).update(follow_up_of=duplicate)  # only to see it exported
    items = {item["number"]: item for item in ticket_export_iter()}
    item = items[first.number]
    assert (item["priority"], item["urgency"], item["impact"]) == (2, "high", "low")
    assert (item["team"], item["assignee"], item["tags"]) == ("Soporte", "ana", ["red", "vpn"])
    assert item["status"] == TicketStatus.RESOLVED
    assert item["resolution_note"] == "Reinicio del concentrador VPN."
    assert item["follow_up_of"] == duplicate.number
    assert item["sla"]["resolution_due_at"] == due.isoformat()
    assert set(item["sla"]) == {
        "first_response_due_at",
        "resolution_due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "breached_at",
    }
    note = next(a for a in item["articles"] if a["kind"] == "note")
    assert (note["author"], note["text"]) == ("ana", "Reinicio del concentrador VPN.")
    assert [a["subject"] for a in item["articles"] if a["direction"] == "in"] == [
        "Primero",
        "Duplicado",
    ]
    assert items[duplicate.number]["merged_into"] == first.number
    assert items[duplicate.number]["articles"] == []
