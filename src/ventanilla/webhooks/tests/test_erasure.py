"""Erasing a customer leaves none of his data in the webhook delivery log or the outbox."""

from __future__ import annotations

import json

import pytest

from ventanilla.privacy.erasure import customer_erase
from ventanilla.tickets.lifecycle import ticket_open
from ventanilla.webhooks.models import WebhookDelivery


@pytest.mark.django_db
def test_erasure_rewrites_payloads_of_the_customers_tickets_only(subscribe, new_ticket):
    subscribe("https://93.184.216.34/hook")
    erased = new_ticket(subject="Factura de Cliente 1")
    kept = new_ticket(subject="Otra consulta")
    ticket_open(ticket=erased, actor=None)
    customer = erased.customer
    for delivery in WebhookDelivery.objects.all():
        if delivery.payload["data"]["ticket"]["id"] == erased.pk:
            # A receiver may echo what it was sent; the log keeps an excerpt of its answer.
            delivery.last_response_body = f"echo {customer.email}"
            delivery.save(update_fields=["last_response_body"])
    address, name = customer.email, customer.name
    before = json.dumps([d.payload for d in WebhookDelivery.objects.all()])
    assert address in before

    customer_erase(customer=customer, actor=None, actor_name="test")

    deliveries = list(WebhookDelivery.objects.all())
    assert len(deliveries) == 3  # nothing deleted: the log still says what was sent when
    for delivery in deliveries:
        text = json.dumps(delivery.payload) + delivery.last_response_body
        assert address not in text
        assert name not in text
    kept_payloads = [d.payload for d in deliveries if d.payload["data"]["ticket"]["id"] == kept.pk]
    assert kept_payloads[0]["data"]["ticket"]["customer"]["email"] == kept.customer.email
    assert kept_payloads[0]["data"]["ticket"]["subject"] == "Otra consulta"
