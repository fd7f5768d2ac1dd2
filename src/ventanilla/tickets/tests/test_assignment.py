"""Assignment: manual assign, take, reassign and team moves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ventanilla.agents.models import Notification
from ventanilla.agents.services import team_create
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.assignment import ticket_assign, ticket_set_team, ticket_take
from ventanilla.tickets.models import Ticket, TicketEvent
from ventanilla.tickets.tests.assignment_support import _assigned_events

pytestmark = pytest.mark.django_db


def test_supervisor_assigns_and_the_assignee_is_notified(make_agent, team, new_ticket):
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team], first_name="Ana")
    ticket = new_ticket()

    result = ticket_assign(ticket=ticket, assignee=ana, actor=boss)

    assert result.assignee == ana
    assert Ticket.objects.get(pk=ticket.pk).assignee == ana
    assert _assigned_events(ticket) == [
        {"actor": "sofia", "previous": "", "new": "ana", "reason": "manual"}
    ]
    notice = Notification.objects.get(user=ana)
    assert notice.kind == "assigned"
    assert ticket.number in notice.text
    assert "sofia" in notice.text
    mail = OutboundMessage.objects.get(kind=OutboundKind.NOTIFICATION)
    assert mail.recipients == ["ana@empresa.es"]
    assert mail.ticket == ticket


def test_take_assigns_to_oneself_without_notification(make_agent, team, new_ticket):
    ana = make_agent("ana", teams=[team])
    ticket = new_ticket()
    ticket_take(ticket=ticket, actor=ana)
    assert Ticket.objects.get(pk=ticket.pk).assignee == ana
    assert _assigned_events(ticket)[0]["reason"] == "take"
    assert not Notification.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_reassign_records_previous_and_assigning_the_same_agent_is_a_no_op(
    make_agent, team, new_ticket
):
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team])
    bea = make_agent("bea", teams=[team])
    ticket = new_ticket()
    ticket_assign(ticket=ticket, assignee=ana, actor=boss)
    ticket_assign(ticket=ticket, assignee=ana, actor=boss)
    ticket_assign(ticket=ticket, assignee=bea, actor=boss)
    ticket_assign(ticket=ticket, assignee=None, actor=boss)
    events = _assigned_events(ticket)
    assert [(e["previous"], e["new"]) for e in events] == [("", "ana"), ("ana", "bea"), ("bea", "")]
    assert Notification.objects.filter(user=ana).count() == 1
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_agent_may_assign_within_the_team_only(make_agent, team, new_ticket):
    other = team_create(name="Facturación")
    ana = make_agent("ana", teams=[team])
    bea = make_agent("bea", teams=[team])
    oscar = make_agent("oscar", teams=[other])
    ticket = new_ticket()
    ticket_set_team(ticket=ticket, team=team, actor=None)

    ticket_assign(ticket=ticket, assignee=bea, actor=ana)
    assert Ticket.objects.get(pk=ticket.pk).assignee == bea
    with pytest.raises(PermissionDenied):
        ticket_assign(ticket=ticket, assignee=oscar, actor=ana)
    with pytest.raises(PermissionDenied):
        ticket_take(ticket=ticket, actor=oscar)  # another team's ticket
    assert Ticket.objects.get(pk=ticket.pk).assignee == bea


def test_only_active_agents_can_be_assigned(make_agent, new_ticket, django_user_model):
    boss = make_agent("sofia", role="supervisor")
    customer_login = django_user_model.objects.create_user("lucia", "lucia@cliente.es", "x")
    gone = make_agent("gone")
    gone.is_active = False
    gone.save()
    ticket = new_ticket()
    for user in (customer_login, gone):
        with pytest.raises(ValidationError):
            ticket_assign(ticket=ticket, assignee=user, actor=boss)
    assert not TicketEvent.objects.filter(kind="assigned").exists()


def test_moving_to_another_team_drops_an_assignee_who_is_not_a_member(make_agent, team, new_ticket):
    other = team_create(name="Facturación")
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team])
    ticket = new_ticket()
    ticket_set_team(ticket=ticket, team=team, actor=boss)
    ticket_assign(ticket=ticket, assignee=ana, actor=boss)

    ticket_set_team(ticket=ticket, team=other, actor=boss)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.team == other
    assert fresh.assignee is None
    team_events = TicketEvent.objects.filter(ticket=ticket, kind="team-set").order_by("id")
    assert [(e.data["previous"], e.data["new"]) for e in team_events] == [
        ("", "Soporte"),
        ("Soporte", "Facturación"),
    ]
    assert _assigned_events(ticket)[-1]["reason"] == "team-changed"
