"""Flagging a flooding sender: written once, and found in the admin with the filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.customers.flagging import customer_flag
from ventanilla.customers.models import Customer


@pytest.mark.django_db
def test_flag_is_written_once_and_keeps_the_first_reason():
    customer = Customer.objects.create(email="pesado@cliente.es")
    assert customer_flag(customer=customer, reason="500 mails in a minute") is True
    first = Customer.objects.get(pk=customer.pk)
    assert first.flagged_at is not None
    assert customer_flag(customer=first, reason="again") is False
    again = Customer.objects.get(pk=customer.pk)
    assert (again.flagged_at, again.flag_reason) == (first.flagged_at, "500 mails in a minute")


@pytest.mark.django_db
def test_admin_filter_lists_flagged_customers_only(admin_client):
    flagged = Customer.objects.create(email="pesado@cliente.es")
    customer_flag(customer=flagged, reason="flood")
    Customer.objects.create(email="tranquila@cliente.es")
    url = reverse("admin:customers_customer_changelist")
    only_flagged = admin_client.get(url, {"flagged_at__isempty": "0"}).content.decode()
    assert "pesado@cliente.es" in only_flagged
    assert "tranquila@cliente.es" not in only_flagged
    everyone = admin_client.get(url).content.decode()
    assert "tranquila@cliente.es" in everyone
