"""All my requests: who sees which tickets, the filters, and a new request sent in as mail."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from ventanilla.customers.models import Customer, Organisation
from ventanilla.mail.models import InboundMessage, InboundSource
from ventanilla.portal.tests.support import customer_make, signed_in_client
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.services import ticket_create_from_mail

pytestmark = pytest.mark.django_db


def _ticket(mailbox, customer: Customer, subject: str) -> Ticket:
    return ticket_create_from_mail(
        mailbox=mailbox,
        customer=customer,
        subject=subject,
        received_at=timezone.now(),
        language="es",
    )


@pytest.fixture
def acme(mailbox):
    """Two colleagues of one organisation and a stranger, each with a ticket."""
    organisation = Organisation.objects.create(name="Acme", domain="acme.es")
    lucia = customer_make("lucia@acme.es", organisation=organisation)
    pablo = customer_make("pablo@acme.es", organisation=organisation)
    stranger = customer_make("otro@cliente.es")
    _ticket(mailbox, lucia, "Impresora de Lucía")
    _ticket(mailbox, pablo, "Portátil de Pablo")
    _ticket(mailbox, stranger, "Factura ajena")
    return organisation


def test_a_customer_sees_only_his_tickets_by_default(acme):
    page = signed_in_client("lucia@acme.es").get("/p/requests/").content.decode()
    assert "Impresora de Lucía" in page
    assert "Portátil de Pablo" not in page
    assert "Factura ajena" not in page


def test_asking_for_the_organisation_scope_is_ignored_where_not_allowed(acme):
    page = signed_in_client("lucia@acme.es").get("/p/requests/?scope=organisation").content
    assert "Portátil de Pablo".encode() not in page
    assert b'name="scope"' not in page  # not even offered


def test_an_organisation_member_sees_its_tickets_where_allowed(acme):
    acme.portal_shares_tickets = True
    acme.save()
    client = signed_in_client("lucia@acme.es")
    mine = client.get("/p/requests/").content.decode()
    assert "Portátil de Pablo" not in mine  # his own by default
    shared = client.get("/p/requests/?scope=organisation").content.decode()
    assert "Impresora de Lucía" in shared
    assert "Portátil de Pablo" in shared
    assert "Factura ajena" not in shared
    # A colleague's ticket is listed, but without his personal link to it.
    pablo = Ticket.objects.get(subject="Portátil de Pablo")
    assert shared.count("/p/t/") == 1
    assert pablo.number in shared


def test_filters_by_status_and_text(acme, mailbox):
    lucia = Customer.objects.get(email="lucia@acme.es")
    done = _ticket(mailbox, lucia, "Correo que ya funciona")
    Ticket.objects.filter(pk=done.pk).update(status="resolved")
    client = signed_in_client("lucia@acme.es")
    open_page = client.get("/p/requests/?status=open").content.decode()
    assert "Impresora" in open_page
    assert "Correo que ya funciona" not in open_page
    closed_page = client.get("/p/requests/?status=closed").content.decode()
    assert "Correo que ya funciona" in closed_page
    assert "Impresora" not in closed_page
    found = client.get("/p/requests/?q=impresora").content.decode()
    assert "Impresora" in found
    assert "Correo que ya funciona" not in found


def test_the_list_needs_a_session(acme):
    response = Client().get("/p/requests/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/p/signin/"


def test_a_new_request_enters_through_ingest_raw_and_becomes_an_acknowledged_ticket(
    mailbox, django_capture_on_commit_callbacks
):
    customer_make("lucia@cliente.es")
    client = signed_in_client("lucia@cliente.es")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/p/requests/new/",
            {
                "subject": "La VPN\r\nBcc: x@evil.example no conecta",
                "body": "Desde ayer no conecta.",
            },
        )
    assert response.status_code == 303
    inbound = InboundMessage.objects.get(source=InboundSource.PORTAL)
    raw = bytes(inbound.raw)
    assert (
        b"From: =?utf-8?q?Luc=C3=ADa_P=C3=A9rez?= <lucia@cliente.es>" in raw
        or b"lucia@cliente.es" in raw
    )
    assert b"\nBcc:" not in raw  # a line break in the subject never makes a header
    inbound.refresh_from_db()
    assert inbound.state == "processed", (inbound.state, inbound.error)
    ticket = inbound.ticket
    assert ticket is not None
    assert ticket.customer.email == "lucia@cliente.es"
    assert ticket.outbound.filter(kind="ack").exists()  # acknowledged like a mail
    assert "La VPN" in client.get("/p/requests/").content.decode()


def test_a_new_request_needs_a_subject_and_a_message(mailbox):
    customer_make("lucia@cliente.es")
    client = signed_in_client("lucia@cliente.es")
    assert client.post("/p/requests/new/", {"subject": "", "body": ""}).status_code == 400
    assert not InboundMessage.objects.exists()


def test_a_ticket_page_offers_the_link_to_all_my_requests(mailbox):
    from ventanilla.portal.tests.support import signin_mails
    from ventanilla.tickets.portal_links import ticket_portal_token

    lucia = customer_make("lucia@cliente.es")
    ticket = _ticket(mailbox, lucia, "Impresora")
    page = Client().get(f"/p/t/{ticket_portal_token(ticket)}/")
    assert page.status_code == 200
    assert b'action="/p/signin/"' in page.content
    assert b'value="lucia@cliente.es"' in page.content
    Client().post("/p/signin/", {"email": "lucia@cliente.es"})
    assert len(signin_mails("lucia@cliente.es")) == 1
