"""Services and selectors for the admin and the API: checks, permissions, redeliver."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ventanilla.agents.models import Role
from ventanilla.agents.services import agent_create
from ventanilla.webhooks.delivery import webhook_subscription_flush
from ventanilla.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.selectors import (
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_subscription_list,
)
from ventanilla.webhooks.services import (
    SubscriptionFields,
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.216.34/hook"


@pytest.fixture
def supervisor():
    return agent_create(
        username="sara", email="sara@empresa.es", password=None, role=Role.SUPERVISOR
    )


def test_create_generates_and_encrypts_the_secret(admin_user):
    subscription = webhook_subscription_create(
        actor=admin_user,
        fields=SubscriptionFields(name="CRM", url=PUBLIC, event_types=["sla.breached"]),
    )
    stored = WebhookSubscription.objects.get(pk=subscription.pk)
    assert len(stored.secret) >= 40
    assert stored.secret not in stored.secret_encrypted
    assert stored.event_types == ["sla.breached"]
    assert stored.created_by == admin_user


def test_event_types_are_checked_and_ordered(admin_user):
    with pytest.raises(ValidationError) as caught:
        webhook_subscription_create(
            actor=admin_user,
            fields=SubscriptionFields(name="CRM", url=PUBLIC, event_types=["ticket.deleted"]),
        )
    assert "event_types" in caught.value.message_dict
    with pytest.raises(ValidationError):
        webhook_subscription_create(
            actor=admin_user, fields=SubscriptionFields(name="CRM", url=PUBLIC, event_types=[])
        )
    subscription = webhook_subscription_create(
        actor=admin_user,
        fields=SubscriptionFields(
            name="CRM", url=PUBLIC, event_types=["sla.breached", "ticket.created", "sla.breached"]
        ),
    )
    assert subscription.event_types == ["ticket.created", "sla.breached"]


def test_only_an_admin_allows_private_targets(admin_user, supervisor):
    fields = SubscriptionFields(
        name="Intranet",
        url="http://10.0.0.5/hook",
        event_types=["ticket.created"],
        allow_private_network=True,
    )
    with pytest.raises(PermissionDenied):
        webhook_subscription_create(actor=supervisor, fields=fields)
    subscription = webhook_subscription_create(actor=admin_user, fields=fields)
    with pytest.raises(PermissionDenied):
        webhook_subscription_update(
            actor=supervisor,
            subscription=subscription,
            fields=SubscriptionFields(allow_private_network=False),
        )
    with pytest.raises(PermissionDenied):
        webhook_subscription_delete(actor=supervisor, subscription=subscription)
    # Other changes by a supervisor keep the admin's flag (and its private URL).
    changed = webhook_subscription_update(
        actor=supervisor, subscription=subscription, fields=SubscriptionFields(name="Intranet 2")
    )
    assert changed.allow_private_network
    assert changed.name == "Intranet 2"


def test_turning_it_on_again_clears_the_failure(subscribe, admin_user, new_ticket):
    subscription = subscribe(PUBLIC)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        active=False, disabled_reason="the receiver answered 410 Gone"
    )
    updated = webhook_subscription_update(
        actor=admin_user,
        subscription=subscription,
        fields=SubscriptionFields(active=True, secret="nuevo-secreto"),
    )
    assert updated.active
    assert updated.disabled_reason == ""
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == "nuevo-secreto"


def test_redeliver_sends_again_with_the_same_id(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    new_ticket()
    webhook_subscription_flush(subscription_id=subscription.pk)
    delivery = WebhookDelivery.objects.get(subscription=subscription)

    webhook_delivery_redeliver(delivery=delivery)
    webhook_subscription_flush(subscription_id=subscription.pk)

    first, second = receiver.requests
    assert first.headers["Ventanilla-Delivery"] == second.headers["Ventanilla-Delivery"]
    assert first.body == second.body
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2


def test_redeliver_refuses_a_waiting_delivery(subscribe, new_ticket):
    subscription = subscribe(PUBLIC)
    new_ticket()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    with pytest.raises(ValidationError):
        webhook_delivery_redeliver(delivery=delivery)


def test_selectors(subscribe, new_ticket):
    crm = subscribe(PUBLIC, ["ticket.created"], name="CRM")
    subscribe(PUBLIC, ["sla.breached"], name="Alertas")
    new_ticket()
    new_ticket()
    assert [s.name for s in webhook_subscription_list()] == ["Alertas", "CRM"]
    rows = list(webhook_delivery_list(subscription_id=crm.pk))
    assert [row.sequence for row in rows] == [2, 1]
    assert webhook_delivery_list(status=DeliveryStatus.DELIVERED).count() == 0
    assert webhook_delivery_get(delivery_id=str(rows[0].delivery_id)) == rows[0]
    assert webhook_delivery_get(delivery_id="not-a-uuid") is None


def test_delete_removes_the_log(subscribe, admin_user, new_ticket):
    subscription = subscribe(PUBLIC)
    new_ticket()
    webhook_subscription_delete(actor=admin_user, subscription=subscription)
    assert not WebhookDelivery.objects.exists()
    new_ticket()  # and no delivery points at it afterwards
    assert not WebhookDelivery.objects.exists()


def test_name_and_url_lengths_are_checked(admin_user):
    for name, url in (("x" * 101, PUBLIC), ("CRM", PUBLIC + "?" + "a" * 2000)):
        with pytest.raises(ValidationError):
            webhook_subscription_create(
                actor=admin_user,
                fields=SubscriptionFields(name=name, url=url, event_types=["ticket.created"]),
            )
    assert not WebhookSubscription.objects.exists()


def test_secrets_rekey_after_a_key_rotation(subscribe, settings):
    from ventanilla.webhooks.rekey import webhook_secrets_rekey
    from ventanilla.webhooks.tests.conftest import SECRET

    subscription = subscribe(PUBLIC, name="CRM")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "una-clave-nueva-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]

    report = webhook_secrets_rekey()

    assert report.rotated == ["CRM"]
    settings.SECRET_KEY_FALLBACKS = []  # the old key is gone: the secret still opens
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == SECRET
    assert webhook_secrets_rekey().current == ["CRM"]
