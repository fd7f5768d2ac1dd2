"""The customer step: create or update from the sender; robots create nobody."""

from __future__ import annotations

import pytest

from ventanilla.customers.models import Customer
from ventanilla.pipeline.context import MailKind, Outcome
from ventanilla.pipeline.handlers.customer import ResolveCustomer

pytestmark = pytest.mark.django_db


def test_creates_customer_with_name_address_language(make_ctx, make_mail):
    ctx = make_ctx(make_mail(sender="Lucía Pérez <Lucia@Cliente.ES>"))
    ctx.language = "es"
    ResolveCustomer().process(ctx)
    customer = Customer.objects.get()
    assert (customer.email, customer.name, customer.language) == (
        "lucia@cliente.es",
        "Lucía Pérez",
        "es",
    )
    assert ctx.customer == customer


def test_updates_name_but_keeps_known_language(make_ctx, make_mail):
    Customer.objects.create(email="lucia@cliente.es", name="L.", language="en")
    ctx = make_ctx(make_mail(sender="Lucía Pérez <lucia@cliente.es>", subject="b"))
    ctx.language = "es"
    ResolveCustomer().process(ctx)
    customer = Customer.objects.get()
    assert customer.name == "Lucía Pérez"
    assert customer.language == "en"


def test_automatic_mail_creates_no_customer(make_ctx, make_mail):
    ctx = make_ctx(make_mail(sender="MAILER-DAEMON@mx.example"))
    ctx.kind = MailKind.BOUNCE
    ResolveCustomer().process(ctx)
    assert not Customer.objects.exists()


def test_falls_back_to_envelope_sender(make_ctx):
    raw = b"To: soporte@empresa.es\r\nSubject: sin remitente\r\n\r\nhola\r\n"
    ctx = make_ctx(raw, envelope_from="Pepe@Cliente.es")
    ResolveCustomer().process(ctx)
    assert ctx.customer is not None
    assert ctx.customer.email == "pepe@cliente.es"


def test_no_address_at_all_goes_to_quarantine(make_ctx):
    ctx = make_ctx(b"Subject: nadie\r\n\r\nhola\r\n")
    ResolveCustomer().process(ctx)
    assert ctx.stopped
    assert ctx.outcome is Outcome.QUARANTINED
