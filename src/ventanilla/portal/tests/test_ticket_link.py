"""The personal link: it opens its own ticket, and every way it can fail looks the same."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ventanilla.core.links import SALT, ticket_link_token
from ventanilla.customers.models import Customer
from ventanilla.customers.services import customer_portal_links_revoke
from ventanilla.portal.tests.links_support import ack_path, normalised, page, path_for
from ventanilla.tickets.merge import ticket_merge
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.portal_links import ticket_portal_links_revoke

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(deliver, make_mail):
    deliver(make_mail(subject="La impresora no imprime", body="No imprime nada.\n"))
    return Ticket.objects.select_related("customer").get(subject="La impresora no imprime")


def test_the_acknowledgement_carries_a_link_that_opens_its_ticket(ticket):
    response = page(ack_path(ticket))
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body
    assert "La impresora no imprime" in body
    assert "No imprime nada." in body
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert b"<script" not in response.content
    assert b"style=" not in response.content


def test_a_link_for_one_ticket_never_shows_another(ticket, deliver, make_mail):
    deliver(make_mail(subject="Otra cosa distinta", body="Segundo asunto.\n"))
    other = Ticket.objects.get(subject="Otra cosa distinta")
    assert other.customer_id == ticket.customer_id  # the same customer, even
    body = page(ack_path(ticket)).content.decode()
    assert other.number not in body
    assert "Segundo asunto." not in body
    assert "Otra cosa distinta" in page(ack_path(other)).content.decode()


def _expired_path(ticket: Ticket) -> str:
    signed_long_ago = time.time() - 31 * 86_400  # the default lifetime is 30 days
    with mock.patch("django.core.signing.time.time", return_value=signed_long_ago):
        return path_for(ticket)


def _failures(ticket: Ticket) -> dict[str, str]:
    """One link for every way a link can fail (each still looks like a link)."""
    good = path_for(ticket)
    token = good.split("/")[3]
    value, _ts, signature = token.split(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    customer = ticket.customer
    ids = {
        "ticket_id": ticket.pk,
        "customer_id": customer.pk,
        "ticket_generation": 0,
        "customer_generation": 0,
    }
    return {
        "expired": _expired_path(ticket),
        "tampered": f"/p/t/{token.rsplit(':', 1)[0]}:{flipped}/",
        "other value": f"/p/t/{value[::-1]}:{_ts}:{signature}/",
        "nonexistent": f"/p/t/{ticket_link_token(**{**ids, 'ticket_id': 999_999})}/",
        "another customer": f"/p/t/{ticket_link_token(**{**ids, 'customer_id': 999_999})}/",
        "another salt": f"/p/t/{signing.TimestampSigner(salt=SALT + 'x').sign(value)}/",
        "ticket number": f"/p/t/{ticket.number}/",
        "garbage": "/p/t/%00%FF:::/",
    }


def test_wrong_expired_tampered_and_nonexistent_links_are_indistinguishable(ticket):
    failures = _failures(ticket)
    page(failures["garbage"])  # the first request fills the mailbox cache
    answers = {}
    for name, path in failures.items():
        with CaptureQueriesContext(connection) as queries:
            response = page(path)
        answers[name] = (response.status_code, normalised(response.content), len(queries))
    assert len(set(answers.values())) == 1, {k: (v[0], v[2]) for k, v in answers.items()}
    status, content, _queries = answers["expired"]
    assert status == 404
    assert ticket.number.encode() not in content


def test_revoked_links_answer_like_any_wrong_link(ticket, deliver, make_mail):
    expected = page(_failures(ticket)["nonexistent"])
    first = path_for(ticket)
    assert page(first).status_code == 200
    ticket_portal_links_revoke(ticket=ticket, actor="ana")
    revoked = page(first)
    assert (revoked.status_code, normalised(revoked.content)) == (
        expected.status_code,
        normalised(expected.content),
    )
    assert page(path_for(ticket)).status_code == 200  # the next mail's link works
    # All of a customer's links at once: this ticket's and his other tickets'.
    deliver(make_mail(subject="Otra cosa distinta"))
    other = Ticket.objects.get(subject="Otra cosa distinta")
    paths = [path_for(ticket), path_for(other)]
    customer_portal_links_revoke(customer=Customer.objects.get(pk=ticket.customer_id))
    assert [page(p).status_code for p in paths] == [404, 404]
    assert page(path_for(other)).status_code == 200


def test_a_merged_tickets_link_shows_the_survivor_only_for_the_same_customer(
    ticket, deliver, make_mail
):
    deliver(make_mail(subject="Lo mismo otra vez", body="Repito lo de la impresora.\n"))
    same = Ticket.objects.get(subject="Lo mismo otra vez")
    link_of_same = path_for(same)
    ticket_merge(source=same, target=ticket, actor=None)
    survivor = page(link_of_same)
    assert survivor.status_code == 200
    assert ticket.number in survivor.content.decode()
    # Another customer's ticket merged into Lucía's: his link must not open her ticket.
    deliver(make_mail(sender="Pablo Gil <pablo@otro.es>", subject="Mi portátil"))
    pablos = Ticket.objects.get(subject="Mi portátil")
    link_of_pablo = path_for(pablos)
    ticket_merge(source=pablos, target=ticket, actor=None)
    answer = page(link_of_pablo)
    assert answer.status_code == 404
    assert ticket.number.encode() not in answer.content
