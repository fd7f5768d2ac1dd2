"""Deliveries to a real receiver on loopback: signature, order, outages, 410, 4xx, 5xx/429.

Time is advanced by moving ``next_attempt_at`` / ``first_attempt_at`` / ``failing_since``
into the past, never by sleeping.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ventanilla.agents.models import Notification
from ventanilla.tickets.lifecycle import ticket_open, ticket_set_pending
from ventanilla.tickets.tags import ticket_tags_set
from ventanilla.webhooks.delivery import webhook_due_subscriptions, webhook_subscription_flush
from ventanilla.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.outcomes import BASE_DELAY_SECONDS
from ventanilla.webhooks.signing import webhook_signature_valid
from ventanilla.webhooks.tests.conftest import SECRET

pytestmark = pytest.mark.django_db


def flush(subscription: WebhookSubscription):
    return webhook_subscription_flush(subscription_id=subscription.pk)


def make_due(subscription: WebhookSubscription) -> None:
    """Advance the clock: every pending delivery of ``subscription`` is due now."""
    WebhookDelivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def five_events(new_ticket):
    """Create a ticket and change it four times: five webhook events, in this order."""
    ticket = new_ticket()
    ticket_open(ticket=ticket, actor=None)
    ticket_set_pending(ticket=ticket, actor=None)
    ticket_open(ticket=ticket, actor=None)
    ticket_tags_set(ticket=ticket, names=["vip"], actor=None)
    return ticket


def deliveries(subscription):
    return list(WebhookDelivery.objects.filter(subscription=subscription).order_by("sequence"))


def test_signature_headers_and_payload(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    ticket = new_ticket("Factura duplicada")

    assert flush(subscription).finished == 1

    (request,) = receiver.requests
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert request.path == "/hook?x=1"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Ventanilla-Delivery"] == str(delivery.delivery_id)
    assert request.headers["Ventanilla-Event"] == "ticket.created"
    timestamp = int(request.headers["Ventanilla-Timestamp"])
    assert abs(timestamp - time.time()) < 60
    expected = hmac.new(
        SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert request.headers["Ventanilla-Signature"] == f"v1={expected}"
    assert webhook_signature_valid(
        secret=SECRET,
        timestamp=timestamp,
        body=request.body,
        header=request.headers["Ventanilla-Signature"],
        now=int(time.time()),
    )
    # Another secret, a changed body or an old timestamp: refused.
    header = request.headers["Ventanilla-Signature"]
    now = int(time.time())
    assert not webhook_signature_valid(
        secret="other", timestamp=timestamp, body=request.body, header=header, now=now
    )
    assert not webhook_signature_valid(
        secret=SECRET, timestamp=timestamp, body=request.body + b" ", header=header, now=now
    )
    assert not webhook_signature_valid(
        secret=SECRET, timestamp=timestamp, body=request.body, header=header, now=now + 301
    )
    payload = request.json
    assert set(payload) == {"id", "type", "created_at", "data"}
    assert payload["id"] == str(delivery.delivery_id)
    assert payload["type"] == "ticket.created"
    assert payload["data"]["ticket"]["number"] == ticket.number
    assert payload["data"]["ticket"]["subject"] == "Factura duplicada"
    assert payload["data"]["ticket"]["status"] == "new"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.last_response_code == 200


def test_no_mail_content_in_article_payload(receiver, subscribe, new_ticket):
    from ventanilla.tickets.models import ArticleDirection, ArticleKind
    from ventanilla.tickets.services import article_add

    subscription = subscribe(receiver.url, ["article.created"])
    ticket = new_ticket()
    article_add(
        ticket=ticket,
        direction=ArticleDirection.IN,
        kind=ArticleKind.MAIL,
        fields={"sender_email": "cliente@cliente.es", "text": "mi contraseña es hunter2"},
    )
    flush(subscription)

    (request,) = receiver.requests
    assert b"hunter2" not in request.body
    change = request.json["data"]["change"]
    assert change["direction"] == "in"
    assert change["kind"] == "mail"


def test_order_is_kept(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    five_events(new_ticket)

    assert flush(subscription).finished == 5

    sent = [request.json for request in receiver.requests]
    assert [r.headers["Ventanilla-Sequence"] for r in receiver.requests] == list("12345")
    assert [p["type"] for p in sent] == [
        "ticket.created",
        "ticket.status_changed",
        "ticket.status_changed",
        "ticket.status_changed",
        "ticket.updated",
    ]
    assert [p["data"]["change"].get("new") for p in sent[1:4]] == ["open", "pending", "open"]
    assert sent[4]["data"]["change"]["added"] == ["vip"]


def test_receiver_down_then_back_delivers_everything_once(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    receiver.stop()  # down: connections refused
    five_events(new_ticket)

    result = flush(subscription)
    assert result.finished == 0
    assert result.retry_in is not None
    first, *rest = deliveries(subscription)
    assert first.attempts == 1
    assert "ConnectionRefused" in first.last_error
    assert all(d.attempts == 0 for d in rest)  # the line waits behind its head
    for _ in range(3):  # the clock moves on, the receiver is still down
        make_due(subscription)
        assert flush(subscription).finished == 0
    receiver.start()  # back, on the same port
    make_due(subscription)
    assert webhook_due_subscriptions() == [subscription.pk]  # what the sweep would send

    assert flush(subscription).finished == 5

    rows = deliveries(subscription)
    assert all(d.status == DeliveryStatus.DELIVERED for d in rows)
    received_ids = [r.headers["Ventanilla-Delivery"] for r in receiver.requests]
    assert received_ids == [str(d.delivery_id) for d in rows]  # each once, in order
    assert [r.json["id"] for r in receiver.requests] == received_ids
    assert rows[0].attempts == 5
    subscription.refresh_from_db()
    assert subscription.failing_since is None


def test_retry_keeps_the_delivery_id(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    receiver.replies = [(503, {}), (500, {})]
    new_ticket()

    flush(subscription)
    make_due(subscription)
    flush(subscription)
    make_due(subscription)
    flush(subscription)

    ids = {r.headers["Ventanilla-Delivery"] for r in receiver.requests}
    assert len(receiver.requests) == 3
    assert len(ids) == 1
    (delivery,) = deliveries(subscription)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408], ids=str)
def test_temporary_answers_back_off(receiver, subscribe, new_ticket, status):
    subscription = subscribe(receiver.url)
    receiver.default = (status, {})
    new_ticket()
    waits = []
    for _ in range(4):
        before = timezone.now()
        result = flush(subscription)
        (delivery,) = deliveries(subscription)
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.last_response_code == status
        waits.append((delivery.next_attempt_at - before).total_seconds())
        assert result.retry_in is not None
        make_due(subscription)
    # Equal jitter: between half and all of 10 s · 2^(n-1).
    for attempt, wait in enumerate(waits, start=1):
        ceiling = BASE_DELAY_SECONDS * 2 ** (attempt - 1)
        assert ceiling / 2 - 1 <= wait <= ceiling + 1, (attempt, wait)


def test_retry_after_is_honoured(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    receiver.replies = [(429, {"Retry-After": "120"})]
    new_ticket()
    before = timezone.now()

    result = flush(subscription)

    (delivery,) = deliveries(subscription)
    assert result.retry_in is not None
    assert result.retry_in >= 120
    assert (delivery.next_attempt_at - before).total_seconds() >= 119
    assert flush(subscription).finished == 0  # not due yet: nothing sent
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 301, 302], ids=str)
def test_other_answers_fail_at_once_and_the_line_moves_on(receiver, subscribe, new_ticket, status):
    subscription = subscribe(receiver.url)
    receiver.replies = [(status, {"Location": "http://169.254.169.254/"})]
    ticket = new_ticket()
    ticket_open(ticket=ticket, actor=None)

    assert flush(subscription).finished == 2

    first, second = deliveries(subscription)
    assert first.status == DeliveryStatus.FAILED
    assert first.attempts == 1
    assert first.last_response_code == status
    assert second.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 2  # the redirect was not followed
    subscription.refresh_from_db()
    assert subscription.active
    assert subscription.failing_since is None  # the next success cleared it


def test_gone_disables_and_tells_the_admins(receiver, subscribe, new_ticket, admin_user):
    subscription = subscribe(receiver.url)
    receiver.replies = [(410, {})]
    ticket = new_ticket()
    ticket_open(ticket=ticket, actor=None)

    assert flush(subscription).finished == 1

    first, second = deliveries(subscription)
    assert first.status == DeliveryStatus.FAILED
    assert second.status == DeliveryStatus.PENDING  # kept, in case it is turned on again
    subscription.refresh_from_db()
    assert not subscription.active
    assert "410" in subscription.disabled_reason
    notice = Notification.objects.get(user=admin_user, kind="webhook-disabled")
    assert "CRM" in notice.text
    assert "410" in notice.text
    assert len(receiver.requests) == 1
    assert flush(subscription).finished == 0  # a disabled subscription sends nothing


def test_gives_up_after_a_day_and_disables_after_a_day_failing(
    receiver, subscribe, new_ticket, admin_user
):
    subscription = subscribe(receiver.url)
    receiver.default = (503, {})
    new_ticket()
    flush(subscription)
    day_ago = timezone.now() - timedelta(hours=24, minutes=1)
    WebhookDelivery.objects.filter(subscription=subscription).update(first_attempt_at=day_ago)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=day_ago)
    make_due(subscription)

    flush(subscription)

    (delivery,) = deliveries(subscription)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("gave up after 2 attempts")
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.disabled_reason == "deliveries failed for a day without a success"
    assert Notification.objects.filter(user=admin_user, kind="webhook-disabled").count() == 1


def test_a_failing_streak_shorter_than_a_day_keeps_it_on(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    receiver.default = (503, {})
    new_ticket()
    flush(subscription)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(hours=23)
    )
    make_due(subscription)

    flush(subscription)

    subscription.refresh_from_db()
    assert subscription.active


def test_the_readme_verification_accepts_our_requests(receiver, subscribe, new_ticket):
    """The few lines of Python the README gives receivers work on a real request."""
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Webhooks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # our own README's example
    verify = namespace["verify"]
    subscription = subscribe(receiver.url)
    new_ticket()
    flush(subscription)
    (request,) = receiver.requests

    assert verify(SECRET, request.headers, request.body)
    assert not verify("otro", request.headers, request.body)
    assert not verify(SECRET, request.headers, request.body.replace(b"new", b"old"))
    stale = {**request.headers, "Ventanilla-Timestamp": str(int(time.time()) - 301)}
    assert not verify(SECRET, stale, request.body)
