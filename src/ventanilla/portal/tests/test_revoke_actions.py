"""Agents revoke portal links from the ticket's side panel: one ticket's, or the customer's."""

from __future__ import annotations

import pytest
from django.test import Client

from ventanilla.portal.tests.links_support import page, path_for
from ventanilla.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent_client(make_agent):
    client = Client()
    client.force_login(make_agent("ana", role="admin"))
    return client


def test_revoke_this_tickets_links_from_the_side_panel(deliver, make_mail, agent_client):
    deliver(make_mail(subject="Primera"))
    deliver(make_mail(subject="Segunda"))
    first, second = Ticket.objects.order_by("pk")
    old_first, old_second = path_for(first), path_for(second)
    side = agent_client.get(f"/t/{first.number}/").content.decode()
    assert f"/t/{first.number}/do/revoke-links/" in side
    assert agent_client.post(f"/t/{first.number}/do/revoke-links/").status_code == 302
    assert page(old_first).status_code == 404
    assert page(old_second).status_code == 200  # only this ticket's links
    assert page(path_for(first)).status_code == 200
    event = TicketEvent.objects.get(ticket=first, kind="portal-links-revoked")
    assert event.actor == "ana"
    history = agent_client.get(f"/t/{first.number}/").content.decode()
    assert "Se han revocado los enlaces del cliente a este ticket" in history


def test_revoke_all_of_the_customers_links(deliver, make_mail, agent_client):
    deliver(make_mail(subject="Primera"))
    deliver(make_mail(subject="Segunda"))
    first, second = Ticket.objects.order_by("pk")
    paths = [path_for(first), path_for(second)]
    response = agent_client.post(f"/t/{first.number}/do/revoke-customer-links/")
    assert response.status_code == 302
    assert [page(p).status_code for p in paths] == [404, 404]
    assert TicketEvent.objects.filter(kind="customer-portal-links-revoked").count() == 1


def test_anonymous_visitors_cannot_revoke(deliver, make_mail):
    deliver(make_mail(subject="Primera"))
    ticket = Ticket.objects.get()
    link = path_for(ticket)
    response = Client().post(f"/t/{ticket.number}/do/revoke-links/")
    assert response.status_code in {302, 403}
    assert page(link).status_code == 200
