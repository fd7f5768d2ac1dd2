"""SLA: due dates, pauses, stamps, the clock for the UI, and the periodic warnings/breaches."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ventanilla.agents.models import Notification
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.models import SlaPolicy, TicketEvent, TicketStatus
from ventanilla.tickets.sla import (
    sla_remaining,
    ticket_first_response,
    ticket_sla_start,
    ticket_sla_status_changed,
)
from ventanilla.tickets.sla_check import sla_check_all
from ventanilla.tickets.sla_config import sla_config
from ventanilla.tickets.states import ticket_transition
from ventanilla.tickets.tests.sla_fixtures import (  # noqa: F401
    make_ticket_fixture,
    sla_defaults_fixture,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sla_defaults")]
MADRID = ZoneInfo("Europe/Madrid")


def madrid(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MADRID)


def started(make_ticket, received_at, priority=2):
    ticket = make_ticket(received_at, priority=priority)
    return ticket_sla_start(ticket=ticket)


def test_due_dates_start_at_the_next_opening(make_ticket):
    # Saturday night, P2 (60 / 480 business minutes).
    ticket = started(make_ticket, madrid(2026, 11, 28, 23, 0))
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == madrid(2026, 11, 30, 10, 0)
    assert ticket.resolution_due_at == madrid(2026, 11, 30, 18, 0)  # Monday's 8 business hours
    event = TicketEvent.objects.get(ticket=ticket, kind="sla-started")
    assert event.data["priority"] == 2
    assert datetime.fromisoformat(event.data["resolution_due_at"]) == ticket.resolution_due_at


def test_no_policy_means_no_clock(make_ticket):
    SlaPolicy.objects.filter(priority=4).delete()
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0), priority=4)
    assert ticket.first_response_due_at is None
    assert ticket.resolution_due_at is None
    assert sla_remaining(ticket, madrid(2026, 11, 24, 11, 0)).state == "none"


def test_waiting_on_the_customer_pauses_the_resolution_clock(make_ticket):
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))  # resolution due Wed 10:00
    ticket.first_response_at = madrid(2026, 11, 24, 10, 20)
    ticket.save()
    ticket_sla_status_changed(
        ticket=ticket, previous="open", new="pending", at=madrid(2026, 11, 24, 12, 0)
    )
    assert ticket.sla_paused_at == madrid(2026, 11, 24, 12, 0)
    paused = sla_remaining(ticket, madrid(2026, 11, 26, 12, 0))
    assert (paused.state, paused.minutes_left) == ("paused", 360)  # frozen at the pause
    # The customer answers on Wednesday at 10:00: 6 business hours paused
    # (12–14 and 15–18 on Tuesday, 9–10 on Wednesday).
    ticket_sla_status_changed(
        ticket=ticket, previous="pending", new="open", at=madrid(2026, 11, 25, 10, 0)
    )
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is None
    assert ticket.resolution_due_at == madrid(2026, 11, 25, 17, 0)  # Wed 10:00 + 6 h
    clock = sla_remaining(ticket, madrid(2026, 11, 25, 10, 0))
    assert (clock.target, clock.minutes_left) == ("resolution", 360)


def test_resolved_and_closed_are_stamped_and_a_reopen_clears_them(make_ticket):
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    ticket.status = TicketStatus.RESOLVED
    ticket_sla_status_changed(
        ticket=ticket, previous="open", new="resolved", at=madrid(2026, 11, 24, 16, 0)
    )
    assert ticket.resolved_at == madrid(2026, 11, 24, 16, 0)
    clock = sla_remaining(ticket, madrid(2026, 12, 24, 9, 0))
    assert (clock.target, clock.state, clock.minutes_left) == ("resolution", "met", 180)
    ticket.status = TicketStatus.CLOSED
    ticket_sla_status_changed(
        ticket=ticket, previous="resolved", new="closed", at=madrid(2026, 11, 25, 9, 0)
    )
    assert ticket.closed_at == madrid(2026, 11, 25, 9, 0)
    ticket.status = TicketStatus.OPEN
    ticket_sla_status_changed(
        ticket=ticket, previous="closed", new="open", at=madrid(2026, 11, 25, 11, 0)
    )
    ticket.refresh_from_db()
    assert ticket.resolved_at is None
    assert ticket.closed_at is None
    # Resolved from Tue 16:00 to Wed 11:00 = 2 h + 2 h of business time, added to the due date.
    assert ticket.resolution_due_at == madrid(2026, 11, 25, 14, 0)


def test_the_states_hook_runs_on_every_real_transition(make_ticket):
    ticket = started(make_ticket, timezone.now() - timedelta(days=3))
    before = timezone.now()
    ticket_transition(ticket=ticket, to=TicketStatus.PENDING)
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is not None
    assert ticket.sla_paused_at >= before
    ticket_transition(ticket=ticket, to=TicketStatus.RESOLVED)
    ticket.refresh_from_db()
    assert ticket.sla_paused_at is None
    assert ticket.resolved_at is not None
    ticket_transition(ticket=ticket, to=TicketStatus.CLOSED)
    ticket.refresh_from_db()
    assert ticket.closed_at is not None


def test_the_first_response_is_stored_once_and_switches_the_target(make_ticket):
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    clock = sla_remaining(ticket, madrid(2026, 11, 24, 10, 50))
    assert (clock.target, clock.state, clock.minutes_left) == ("first_response", "warning", 10)
    ticket.sla_warned_at = madrid(2026, 11, 24, 10, 50)
    ticket_first_response(ticket=ticket, at=madrid(2026, 11, 24, 10, 55))
    ticket_first_response(ticket=ticket, at=madrid(2026, 11, 24, 12, 0))
    ticket.refresh_from_db()
    assert ticket.first_response_at == madrid(2026, 11, 24, 10, 55)
    assert ticket.sla_warned_at is None  # the resolution target may warn on its own
    event = TicketEvent.objects.get(ticket=ticket, kind="first-response")
    assert event.data["within_sla"] is True
    clock = sla_remaining(ticket, madrid(2026, 11, 24, 10, 55))
    assert (clock.target, clock.state, clock.minutes_left) == ("resolution", "ok", 425)


def test_clock_states_ok_warning_breached_and_overdue_at_night(make_ticket):
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))  # first response due 11:00
    assert sla_remaining(ticket, madrid(2026, 11, 24, 10, 30)).state == "ok"
    assert sla_remaining(ticket, madrid(2026, 11, 24, 10, 48)).state == "warning"  # 80 %
    late = sla_remaining(ticket, madrid(2026, 11, 24, 12, 30))
    assert (late.state, late.minutes_left, late.overdue) == ("breached", -90, True)
    night = sla_remaining(ticket, madrid(2026, 11, 24, 23, 0))
    assert night.minutes_left == -360  # 11–14 and 15–18
    ticket.first_response_due_at = madrid(2026, 11, 24, 18, 0)
    evening = sla_remaining(ticket, madrid(2026, 11, 24, 19, 0))
    assert (evening.state, evening.minutes_left) == ("breached", -1)  # 0 business min, but late


def test_the_clock_costs_no_query(make_ticket, django_assert_num_queries):
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    sla_config()  # warm the per-process snapshot, as any earlier request would
    with django_assert_num_queries(0):
        for hour in range(9, 20):
            sla_remaining(ticket, madrid(2026, 11, 25, hour, 0))


def test_sla_check_warns_once_then_reports_the_breach_once(make_ticket, make_agent, team):
    ana = make_agent("ana", language="en", teams=[team])
    luis = make_agent("luis", role="supervisor", language="es")
    make_agent("pepe")  # an agent of no concern: never notified
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    ticket.assignee = ana
    ticket.save()

    assert sla_check_all(now=madrid(2026, 11, 24, 10, 30)) == 0
    assert sla_check_all(now=madrid(2026, 11, 24, 10, 50)) == 1
    assert sla_check_all(now=madrid(2026, 11, 24, 10, 55)) == 0  # warned once
    warned = Notification.objects.filter(kind="sla-warning").order_by("user__username")
    assert [(n.user, n.ticket) for n in warned] == [(ana, ticket), (luis, ticket)]
    assert warned[0].text == f"{ticket.number}: the first response is due in 10 business minutes."

    assert sla_check_all(now=madrid(2026, 11, 24, 11, 5)) == 1
    assert sla_check_all(now=madrid(2026, 11, 24, 12, 0)) == 0  # breached once
    breached = Notification.objects.filter(kind="sla-breached")
    assert {n.user for n in breached} == {ana, luis}
    kinds = list(
        TicketEvent.objects.filter(ticket=ticket, kind__startswith="sla-").values_list(
            "kind", "data__target"
        )
    )
    assert kinds[1:] == [("sla-warning", "first_response"), ("sla-breached", "first_response")]
    mails = OutboundMessage.objects.filter(kind=OutboundKind.NOTIFICATION, ticket=ticket)
    assert mails.count() == 4


def test_unassigned_tickets_alert_the_team_and_resolution_alerts_after_the_first_reply(
    make_ticket, make_agent, team
):
    ana, bea = make_agent("ana", teams=[team]), make_agent("bea", teams=[team])
    ticket = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    ticket.team = team
    ticket.save()
    assert sla_check_all(now=madrid(2026, 11, 24, 11, 30)) == 1
    assert {n.user for n in Notification.objects.filter(kind="sla-breached")} == {ana, bea}

    ticket.refresh_from_db()
    ticket_first_response(ticket=ticket, at=madrid(2026, 11, 24, 11, 40))
    # Resolution due Wednesday 10:00: warned at 80 % of 480 min, i.e. 96 business minutes
    # before: Wednesday 9–10 is 60 of them, so from Tuesday 17:24 on.
    assert sla_check_all(now=madrid(2026, 11, 24, 17, 20)) == 0
    assert sla_check_all(now=madrid(2026, 11, 24, 17, 30)) == 1
    last = Notification.objects.filter(kind="sla-warning").first()
    assert last is not None
    assert "resolución" in last.text or "resolution" in last.text


def test_paused_and_resolved_tickets_raise_nothing(make_ticket):
    pending = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    pending.first_response_at = madrid(2026, 11, 24, 10, 10)
    pending.status = TicketStatus.PENDING
    pending.sla_paused_at = madrid(2026, 11, 24, 10, 10)
    pending.save()
    solved = started(make_ticket, madrid(2026, 11, 24, 10, 0))
    solved.status = TicketStatus.RESOLVED
    solved.resolved_at = madrid(2026, 11, 24, 10, 30)
    solved.save()
    assert sla_check_all(now=madrid(2026, 12, 24, 10, 0)) == 0


def test_the_periodic_task_runs_the_check(make_ticket, make_agent):
    from ventanilla.tickets.tasks import sla_check

    make_agent("luis", role="admin")
    started(make_ticket, timezone.now() - timedelta(days=30))
    assert sla_check.call_local() == 1
    assert Notification.objects.filter(kind="sla-breached").count() == 1
