"""Server-side request forgery: which targets are refused, before and at sending time."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from ventanilla.webhooks.delivery import webhook_subscription_flush
from ventanilla.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from ventanilla.webhooks.targets import (
    TargetRefusedError,
    address_is_public,
    target_resolve,
    url_check_literal,
)
from ventanilla.webhooks.tests.receiver import Receiver

REFUSED_URLS = [
    "http://127.0.0.1/",
    "http://127.8.9.10:8080/hook",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",  # shared address space (carrier NAT)
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://localhost:8080/",  # a name resolving to loopback
]


@pytest.mark.parametrize("url", REFUSED_URLS, ids=lambda url: url.split("/")[2])
def test_private_targets_refused_at_sending(url):
    with pytest.raises(TargetRefusedError):
        target_resolve(url, allow_private=False)


@pytest.mark.parametrize("url", REFUSED_URLS, ids=lambda url: url.split("/")[2])
def test_private_targets_allowed_only_when_allowed(url):
    target = target_resolve(url, allow_private=True)
    assert target.address


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses(address):
    assert address_is_public(ipaddress.ip_address(address))


def test_public_literal_resolves_to_itself():
    target = target_resolve("https://93.184.216.34:8443/in?a=b", allow_private=False)
    assert (target.scheme, target.host, target.port) == ("https", "93.184.216.34", 8443)
    assert (target.address, target.path) == ("93.184.216.34", "/in?a=b")


@pytest.mark.parametrize(
    "url",
    ["ftp://93.184.216.34/", "file:///etc/passwd", "http:///x", "http://u:p@93.184.216.34/"],
)
def test_malformed_urls_refused(url):
    with pytest.raises(TargetRefusedError):
        url_check_literal(url, allow_private=True)


def test_a_name_is_checked_by_what_it_resolves_to():
    target = target_resolve("http://localhost:9/", allow_private=True)
    assert not address_is_public(ipaddress.ip_address(target.address))
    assert target.host == "localhost"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://[::ffff:127.0.0.1]/", "http://localhost/"]
)
def test_service_refuses_without_the_admin_flag(subscribe, url):
    with pytest.raises(ValidationError) as caught:
        subscribe(url, allow_private_network=False)
    assert "url" in caught.value.message_dict


@pytest.mark.django_db
def test_worker_refuses_when_the_flag_is_gone(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    # As if the row were changed behind the services' back: the worker checks again.
    WebhookSubscription.objects.filter(pk=subscription.pk).update(allow_private_network=False)
    new_ticket()

    webhook_subscription_flush(subscription_id=subscription.pk)

    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.FAILED
    assert "not a public address" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.django_db
def test_site_setting_allows_private_targets(receiver, subscribe, new_ticket):
    subscription = subscribe(receiver.url)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(allow_private_network=False)
    new_ticket()

    with override_settings(VENTANILLA_WEBHOOK_ALLOW_PRIVATE=True):
        webhook_subscription_flush(subscription_id=subscription.pk)

    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_connects_to_the_checked_address_with_the_name_as_host(subscribe, new_ticket):
    server = Receiver(host="127.0.0.1")
    server.start()
    try:
        subscription = subscribe(f"http://localhost:{server.port}/in")
        new_ticket()
        webhook_subscription_flush(subscription_id=subscription.pk)
    finally:
        server.stop()
    (request,) = server.requests
    assert request.headers["Host"] == f"localhost:{server.port}"


@pytest.mark.django_db
def test_ipv6_loopback_receiver(subscribe, new_ticket):
    server = Receiver(host="::1")
    server.start()
    try:
        subscription = subscribe(server.url)
        new_ticket()
        webhook_subscription_flush(subscription_id=subscription.pk)
    finally:
        server.stop()
    assert len(server.requests) == 1
