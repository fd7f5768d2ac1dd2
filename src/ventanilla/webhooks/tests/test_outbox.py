"""The outbox: rows written in the transaction of the change, for the right events only."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from ventanilla.agents.models import Role
from ventanilla.agents.services import agent_create
from ventanilla.tickets.assignment import ticket_assign
from ventanilla.tickets.lifecycle import ticket_open, ticket_resolve
from ventanilla.tickets.merge import ticket_merge
from ventanilla.tickets.models import TicketEvent
from ventanilla.tickets.priority import ticket_set_priority
from ventanilla.tickets.satisfaction import ticket_rate
from ventanilla.tickets.sla_check import ticket_sla_alert
from ventanilla.tickets.sla_clock import SlaClock, SlaState, SlaTargetName
from ventanilla.webhooks.cache import wanted_event_types
from ventanilla.webhooks.models import EventType, WebhookDelivery
from ventanilla.webhooks.outbox import webhook_events_recorded
from ventanilla.webhooks.payloads import KIND_TO_TYPE
from ventanilla.webhooks.services import SubscriptionFields, webhook_subscription_update


def test_every_event_type_has_an_audit_kind():
    assert set(KIND_TO_TYPE.values()) == set(EventType)


@pytest.mark.django_db
def test_rolled_back_change_writes_no_delivery(subscribe, new_ticket):
    subscription = subscribe("https://93.184.216.34/hook", ["ticket.status_changed"])
    ticket = new_ticket()

    seen_inside: list[int] = []

    @transaction.atomic
    def failing_change() -> None:
        ticket_open(ticket=ticket, actor=None)
        # Written in the change's own transaction: there before it commits ...
        seen_inside.append(WebhookDelivery.objects.filter(subscription=subscription).count())
        raise RuntimeError("the change fails after the event was recorded")

    with pytest.raises(RuntimeError):
        failing_change()

    assert seen_inside == [1]
    # ... and gone with it when it rolls back.
    assert not WebhookDelivery.objects.filter(subscription=subscription).exists()
    assert not TicketEvent.objects.filter(ticket=ticket, kind="status-changed").exists()


@pytest.mark.django_db
def test_sending_waits_for_the_commit(subscribe, new_ticket, django_capture_on_commit_callbacks):
    subscription = subscribe("https://93.184.216.34/hook")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new_ticket()
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1
    assert callbacks  # the worker is asked only once the transaction commits


@pytest.mark.django_db
def test_no_subscription_costs_no_query(new_ticket, django_assert_num_queries):
    new_ticket()  # warms the cache: nobody wants anything
    event = TicketEvent.objects.get(kind="created")
    assert wanted_event_types() == frozenset()
    with django_assert_num_queries(0):
        webhook_events_recorded(events=[event])


@pytest.mark.django_db
def test_unwanted_types_cost_no_query(subscribe, new_ticket, django_assert_num_queries):
    subscription = subscribe("https://93.184.216.34/hook", ["sla.breached"])
    new_ticket()
    event = TicketEvent.objects.get(kind="created")
    with django_assert_num_queries(0):
        webhook_events_recorded(events=[event])
    assert not WebhookDelivery.objects.filter(subscription=subscription).exists()


@pytest.mark.django_db
def test_a_new_or_disabled_subscription_is_seen_at_once(subscribe, admin_user, new_ticket):
    new_ticket()  # caches "nobody"
    subscription = subscribe("https://93.184.216.34/hook", ["ticket.created"])
    new_ticket()
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1
    webhook_subscription_update(
        actor=admin_user, subscription=subscription, fields=SubscriptionFields(active=False)
    )
    new_ticket()
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1


@pytest.mark.django_db
def test_sequences_per_subscription(subscribe, new_ticket):
    crm = subscribe("https://93.184.216.34/crm", ["ticket.created"], name="CRM")
    chat = subscribe("https://93.184.216.34/chat", name="Chat")
    ticket = new_ticket()
    ticket_open(ticket=ticket, actor=None)
    new_ticket()

    def sequences(subscription):
        rows = WebhookDelivery.objects.filter(subscription=subscription).order_by("sequence")
        return [(row.sequence, row.event_type) for row in rows]

    assert sequences(crm) == [(1, "ticket.created"), (2, "ticket.created")]
    assert sequences(chat) == [
        (1, "ticket.created"),
        (2, "ticket.status_changed"),
        (3, "ticket.created"),
    ]
    crm.refresh_from_db()
    assert crm.last_sequence == 2


@pytest.mark.django_db
def test_each_kind_of_change_becomes_its_event(subscribe, new_ticket, admin_user):
    subscription = subscribe("https://93.184.216.34/hook")
    ticket = new_ticket()
    other = new_ticket()
    agent = agent_create(username="ana", email="ana@empresa.es", password=None, role=Role.AGENT)
    ticket_set_priority(ticket=ticket, urgency="high", impact="high", actor=admin_user)
    ticket_assign(ticket=ticket, assignee=agent, actor=admin_user)
    clock = SlaClock(
        target=SlaTargetName.RESOLUTION,
        state=SlaState.BREACHED,
        due_at=timezone.now(),
        minutes_left=-5,
    )
    ticket_sla_alert(ticket=ticket, clock=clock, now=timezone.now())
    ticket_resolve(ticket=ticket, actor=admin_user, note="Reiniciado el servidor.")
    ticket_rate(ticket=ticket, rating="good", comment="¡Gracias!")
    ticket_merge(source=other, target=new_ticket(), actor=admin_user)

    types = set(
        WebhookDelivery.objects.filter(subscription=subscription).values_list(
            "event_type", flat=True
        )
    )
    assert types == set(EventType) - {"sla.warning"}
    rating = WebhookDelivery.objects.get(subscription=subscription, event_type="rating.received")
    assert rating.payload["data"]["change"]["rating"] == "good"
    assert "¡Gracias!" not in str(rating.payload)  # the comment is the customer's words
    assigned = WebhookDelivery.objects.get(subscription=subscription, event_type="ticket.assigned")
    assert assigned.payload["data"]["ticket"]["assignee"] == "ana"
    assert assigned.payload["data"]["change"]["new"] == "ana"
