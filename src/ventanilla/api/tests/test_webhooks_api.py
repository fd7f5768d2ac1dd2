"""Webhook subscriptions managed through the API; a ticket made through the API reaches a real
receiver on loopback, signed as the README shows how to verify.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from ventanilla.webhooks.cache import subscription_cache_clear
from ventanilla.webhooks.delivery import webhook_subscription_flush
from ventanilla.webhooks.tests.receiver import Receiver

JSON = {"content_type": "application/json"}


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1, recording what it is sent."""
    subscription_cache_clear()
    server = Receiver()
    server.start()
    yield server
    server.stop()
    subscription_cache_clear()


def verify(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    """The receiver's check from the README: HMAC-SHA256 over "<timestamp>.<body>", 5 minutes."""
    timestamp = headers["Ventanilla-Timestamp"]
    if abs(now - int(timestamp)) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(headers["Ventanilla-Signature"], "v1=" + expected.hexdigest())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("caller", "status"),
    [("anonymous", 401), ("agent", 403), ("other", 403), ("readonly", 403), ("supervisor", 201)],
)
def test_who_may_subscribe(caller, status, people, tokens, api_client):
    body = {"name": "CRM", "url": "https://crm.example.com/hook", "event_types": ["ticket.created"]}
    client = api_client(None if caller == "anonymous" else tokens[caller])
    assert client.post("/api/v1/webhooks", body, **JSON).status_code == status


@pytest.mark.django_db
def test_loopback_needs_an_admin(people, tokens, api_client):
    body = {
        "name": "local",
        "url": "http://127.0.0.1:9/hook",
        "event_types": ["ticket.created"],
        "allow_private_network": True,
    }
    assert (
        api_client(tokens["supervisor"]).post("/api/v1/webhooks", body, **JSON).status_code == 403
    )
    del body["allow_private_network"]
    assert api_client(tokens["admin"]).post("/api/v1/webhooks", body, **JSON).status_code == 422


@pytest.mark.django_db
def test_ticket_from_api_is_delivered_signed(mailbox, people, tokens, api_client, receiver):
    admin = api_client(tokens["admin"])
    created = admin.post(
        "/api/v1/webhooks",
        {
            "name": "local",
            "url": receiver.url,
            "event_types": ["ticket.created", "article.created"],
            "allow_private_network": True,
        },
        **JSON,
    )
    assert created.status_code == 201
    subscription = created.json()
    secret = subscription["secret"]
    assert "secret" not in admin.get(f"/api/v1/webhooks/{subscription['id']}").json()

    ticket = admin.post(
        "/api/v1/tickets",
        {"customer_email": "pepe@cliente.es", "subject": "Sin luz", "text": "No hay luz."},
        **JSON,
    ).json()
    webhook_subscription_flush(subscription_id=subscription["id"])

    assert receiver.requests
    first = receiver.requests[0]
    assert verify(secret, first.headers, first.body, time.time())
    assert not verify("another-secret", first.headers, first.body, time.time())
    assert first.json["type"] == "ticket.created"
    assert ticket["number"] in first.body.decode()
    log = admin.get(f"/api/v1/webhooks/{subscription['id']}/deliveries").json()
    assert {d["status"] for d in log} == {"delivered"}
    again = admin.post(f"/api/v1/webhook-deliveries/{log[-1]['delivery_id']}/redeliver")
    assert again.status_code == 200
    assert again.json()["delivery_id"] == log[-1]["delivery_id"]
