"""Customer upsert from mail: case-insensitive address, name updates, language kept once known."""

from __future__ import annotations

import pytest

from ventanilla.customers.models import Customer
from ventanilla.customers.selectors import customer_get_by_email
from ventanilla.customers.services import customer_upsert_from_mail

pytestmark = pytest.mark.django_db


def test_address_is_case_insensitive():
    a = customer_upsert_from_mail(email="Ana@Cliente.ES ", name="Ana")
    b = customer_upsert_from_mail(email="ana@cliente.es", name="")
    assert a.pk == b.pk
    assert Customer.objects.count() == 1
    assert customer_get_by_email(email="ANA@cliente.es") == a


def test_empty_name_does_not_erase_a_known_one():
    customer_upsert_from_mail(email="ana@cliente.es", name="Ana García")
    customer = customer_upsert_from_mail(email="ana@cliente.es", name="")
    assert customer.name == "Ana García"


def test_language_is_set_once_and_not_overwritten_by_detection():
    customer_upsert_from_mail(email="ana@cliente.es", name="Ana", language="")
    assert (
        customer_upsert_from_mail(email="ana@cliente.es", name="Ana", language="en").language
        == "en"
    )
    assert (
        customer_upsert_from_mail(email="ana@cliente.es", name="Ana", language="es").language
        == "en"
    )


def test_nul_characters_are_dropped():
    customer = customer_upsert_from_mail(email="ana@cliente.es", name="A\x00na")
    assert customer.name == "Ana"
