"""Routing on arrival: round robin, least load, away agents, concurrent arrivals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ventanilla.agents.models import Notification
from ventanilla.agents.services import agent_set_away, team_create
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.assignment import ticket_assign, ticket_route_new
from ventanilla.tickets.models import Ticket, TicketEvent, TicketStatus
from ventanilla.tickets.services import ticket_create_from_mail
from ventanilla.tickets.tests.assignment_support import _assigned_events

pytestmark = pytest.mark.django_db


def _route(mailbox, team, new_ticket, count: int) -> list[str]:
    mailbox.team = team
    mailbox.save()
    names = []
    for _ in range(count):
        ticket = ticket_route_new(ticket=new_ticket())
        fresh = Ticket.objects.select_related("assignee").get(pk=ticket.pk)
        assert fresh.team == team
        names.append(fresh.assignee.username if fresh.assignee else "")
    return names


def test_round_robin_skips_away_agents(mailbox, make_agent, new_ticket):
    team = team_create(name="Soporte", policy="round-robin")
    for name in ("carla", "ana", "bea"):
        make_agent(name, teams=[team])
    bea = team.members.get(username="bea")
    agent_set_away(user=bea, away=True)

    assert _route(mailbox, team, new_ticket, 4) == ["ana", "carla", "ana", "carla"]
    # The notification says it was automatic.
    assert Notification.objects.filter(user__username="ana", kind="assigned").count() == 2
    assert _assigned_events(Ticket.objects.earliest("id"))[0]["actor"] == "system"


def test_round_robin_counts_an_absence_that_ended_as_available(mailbox, make_agent, new_ticket):
    team = team_create(name="Soporte", policy="round-robin")
    for name in ("ana", "bea", "carla"):
        make_agent(name, teams=[team])
    past = timezone.now() - timedelta(hours=1)
    future = timezone.now() + timedelta(days=3)
    agent_set_away(user=team.members.get(username="bea"), away=True, until=past)
    agent_set_away(user=team.members.get(username="carla"), away=True, until=future)

    assert _route(mailbox, team, new_ticket, 3) == ["ana", "bea", "ana"]


def test_round_robin_continues_after_the_last_assigned_member(mailbox, make_agent, new_ticket):
    team = team_create(name="Soporte", policy="round-robin")
    for name in ("ana", "bea", "carla"):
        make_agent(name, teams=[team])
    team.last_assigned = team.members.get(username="bea")
    team.save()
    assert _route(mailbox, team, new_ticket, 2) == ["carla", "ana"]


def test_least_load_picks_the_member_with_fewest_open_tickets(mailbox, make_agent, new_ticket):
    team = team_create(name="Soporte", policy="least-load")
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team])
    bea = make_agent("bea", teams=[team])
    carla = make_agent("carla", teams=[team])
    for _ in range(2):
        ticket_assign(ticket=new_ticket(), assignee=ana, actor=boss)
    ticket_assign(ticket=new_ticket(), assignee=bea, actor=boss)
    # A resolved ticket is no load.
    done = new_ticket()
    ticket_assign(ticket=done, assignee=carla, actor=boss)
    Ticket.objects.filter(pk=done.pk).update(status=TicketStatus.RESOLVED)
    agent_set_away(user=carla, away=True, until=timezone.now() - timedelta(minutes=1))

    # Loads ana 2, bea 1, carla 0: carla; then bea and carla tie at 1 and bea comes first
    # after carla in the rotation; then carla (1 against 2); then a three-way tie: ana.
    assert _route(mailbox, team, new_ticket, 4) == ["carla", "bea", "carla", "ana"]


def test_least_load_skips_away_agents(mailbox, make_agent, new_ticket):
    team = team_create(name="Soporte", policy="least-load")
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team])
    bea = make_agent("bea", teams=[team])
    ticket_assign(ticket=new_ticket(), assignee=ana, actor=boss)
    agent_set_away(user=bea, away=True)  # no end date
    assert _route(mailbox, team, new_ticket, 2) == ["ana", "ana"]


def test_nobody_available_leaves_the_ticket_unassigned_in_the_team(mailbox, make_agent, new_ticket):
    team = team_create(name="Soporte", policy="round-robin")
    ana = make_agent("ana", teams=[team])
    agent_set_away(user=ana, away=True, until=timezone.now() + timedelta(days=1))
    assert _route(mailbox, team, new_ticket, 1) == [""]
    assert not Notification.objects.exists()


def test_manual_team_only_sets_the_queue(mailbox, make_agent, team, new_ticket):
    make_agent("ana", teams=[team])
    assert _route(mailbox, team, new_ticket, 2) == ["", ""]


def test_mailbox_without_team_routes_nothing(new_ticket):
    ticket = ticket_route_new(ticket=new_ticket())
    assert ticket.team is None
    assert not TicketEvent.objects.filter(kind__in=["team-set", "assigned"]).exists()


@pytest.mark.django_db(transaction=True)
def test_mail_arriving_is_routed_by_the_pipeline(mailbox, make_agent, deliver, make_mail):
    team = team_create(name="Soporte", policy="round-robin")
    ana = make_agent("ana", teams=[team])
    mailbox.team = team
    mailbox.save()

    inbound = deliver(make_mail())

    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert (ticket.team, ticket.assignee) == (team, ana)
    assert Notification.objects.filter(user=ana, ticket=ticket, kind="assigned").exists()
    assert OutboundMessage.objects.filter(
        kind=OutboundKind.NOTIFICATION, ticket=ticket, recipients=["ana@empresa.es"]
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_routing_hands_out_tickets_evenly(mailbox, make_agent):
    """Workers routing at the same time: the team lock keeps round robin exact."""
    import threading

    from django.db import connection

    team = team_create(name="Soporte", policy="round-robin")
    for name in ("ana", "bea", "carla"):
        make_agent(name, teams=[team])
    mailbox.team = team
    mailbox.save()
    customer = customer_upsert_from_mail(email="lucia@cliente.es", name="Lucía")
    tickets = [
        ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=f"n{n}",
            received_at=timezone.now(),
            language="es",
        )
        for n in range(9)
    ]
    start = threading.Barrier(len(tickets))
    errors: list[BaseException] = []

    def route(ticket: Ticket) -> None:
        try:
            start.wait()
            ticket_route_new(ticket=ticket)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=route, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    counts = {
        name: Ticket.objects.filter(assignee__username=name).count()
        for name in ("ana", "bea", "carla")
    }
    assert counts == {"ana": 3, "bea": 3, "carla": 3}
