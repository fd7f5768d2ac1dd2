"""The admin: subscriptions with a write-only secret, the delivery log, redeliver."""

from __future__ import annotations

import pytest

from ventanilla.agents.models import Role
from ventanilla.agents.services import agent_create
from ventanilla.webhooks.delivery import webhook_subscription_flush
from ventanilla.webhooks.models import WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.tests.conftest import SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_add_subscription_shows_the_generated_secret_once(admin_client):
    response = admin_client.post(
        "/admin/webhooks/webhooksubscription/add/",
        {
            "name": "CRM",
            "url": "https://93.184.216.34/hook",
            "event_types": ["ticket.created", "sla.breached"],
            "active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_types == ["ticket.created", "sla.breached"]
    assert subscription.secret in response.content.decode()
    page = admin_client.get(f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/")
    assert subscription.secret not in page.content.decode()
    assert subscription.secret_encrypted not in page.content.decode()


def test_private_target_refused_on_the_form(admin_client):
    response = admin_client.post(
        "/admin/webhooks/webhooksubscription/add/",
        {"name": "x", "url": "http://169.254.169.254/", "event_types": ["ticket.created"]},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "169.254.169.254" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_staff_who_is_no_admin_cannot_allow_private_targets(client, subscribe):
    subscription = subscribe("https://93.184.216.34/hook")
    staff = agent_create(username="sup", email="sup@empresa.es", password=None, role=Role.AGENT)
    staff.is_staff = True
    staff.save()
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="webhooks"))
    client.force_login(staff)
    client.post(
        f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/",
        {
            "name": "CRM",
            "url": "https://93.184.216.34/hook",
            "event_types": ["ticket.created"],
            "active": "on",
            "allow_private_network": "on",
        },
    )
    subscription.refresh_from_db()
    assert subscription.allow_private_network  # set by the fixture's admin ...
    assert subscription.secret == SECRET  # ... and a blank secret keeps the stored one
    assert subscription.event_types == ["ticket.created"]


def test_delivery_log_and_redeliver(admin_client, receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    new_ticket()
    webhook_subscription_flush(subscription_id=subscription.pk)
    delivery = WebhookDelivery.objects.get()

    page = admin_client.get("/admin/webhooks/webhookdelivery/")
    assert page.status_code == 200
    assert str(delivery.delivery_id) in page.content.decode()
    admin_client.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    webhook_subscription_flush(subscription_id=subscription.pk)

    assert len(receiver.requests) == 2
    assert len({r.headers["Ventanilla-Delivery"] for r in receiver.requests}) == 1


def test_delete_through_the_admin(admin_client, subscribe, new_ticket):
    subscription = subscribe("https://93.184.216.34/hook")
    new_ticket()
    response = admin_client.post(
        f"/admin/webhooks/webhooksubscription/{subscription.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_staff_cannot_delete_an_admins_private_subscription(client, subscribe):
    from django.contrib.auth.models import Permission

    subscription = subscribe("http://10.0.0.5/hook")
    staff = agent_create(username="sup", email="sup@empresa.es", password=None, role=Role.AGENT)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="webhooks"))
    client.force_login(staff)
    response = client.post(
        f"/admin/webhooks/webhooksubscription/{subscription.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert WebhookSubscription.objects.exists()
