"""Erasure: no trace of the customer in any table, blob or index; the figures unchanged."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError

from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.portal.models import PortalSession
from ventanilla.privacy.erasure import customer_erase
from ventanilla.privacy.tests.conftest import (
    JUAN,
    JUAN_PDF,
    LOGO,
    LUCIA,
    LUCIA_NAME,
    PDF,
    mail,
)
from ventanilla.privacy.tests.scan import blobs_naming, rows_naming
from ventanilla.search.api import search_unscoped
from ventanilla.tickets.models import Article, Ticket, TicketEvent

NEEDLES = [LUCIA, LUCIA_NAME, "Quintanilla"]


def _stored(content: bytes) -> bool:
    digest = hashlib.sha256(content).hexdigest()
    return storages["blobs"].exists(f"{digest[:2]}/{digest[2:4]}/{digest}")


def _figures() -> dict[int, tuple[object, ...]]:
    """What reports read of each ticket: dates, state, handling, messages, events, rating."""
    figures: dict[int, tuple[object, ...]] = {}
    for t in Ticket.objects.order_by("pk"):
        articles = list(
            Article.objects.filter(ticket=t).values_list("direction", "kind", "created_at")
        )
        kinds = list(
            TicketEvent.objects.filter(ticket=t)
            .exclude(kind="customer-erased")
            .values_list("kind", "created_at")
        )
        rating = getattr(getattr(t, "satisfaction", None), "rating", None)
        figures[t.pk] = (
            t.customer.organisation_id, t.mailbox_id, t.status, t.priority, t.team_id,
            t.assignee_id, t.received_at, t.first_response_at, t.resolved_at, t.closed_at,
            t.last_activity_at, t.first_response_due_at, t.resolution_due_at, articles, kinds,
            rating,
        )  # fmt: skip
    return figures


@pytest.fixture
def admin_agent(make_agent):
    """The admin who erases."""
    return make_agent("adan", role="admin")


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_and_keeps_the_figures(history, admin_agent):
    assert rows_naming(NEEDLES)  # the scan does find her before
    assert blobs_naming(NEEDLES)
    before = _figures()
    lucia = Customer.objects.get(email=LUCIA)
    customer_id = lucia.pk

    done = customer_erase(customer=lucia, actor=admin_agent)

    assert rows_naming(NEEDLES) == [], rows_naming(NEEDLES)
    assert blobs_naming(NEEDLES) == []
    assert _figures() == before
    assert done.tickets == 2
    assert Ticket.objects.filter(customer__email=done.placeholder).count() == 2
    for needle in (LUCIA, "Quintanilla", "contrato"):
        assert search_unscoped(query=needle).total == 0
    # Her own file is gone; the logo Juan's mail also carries stays, and so does his PDF.
    assert not _stored(PDF)
    assert _stored(LOGO)
    assert _stored(JUAN_PDF)
    assert not PortalSession.objects.exists()
    (row,) = SensitiveAction.objects.filter(kind=SensitiveKind.ERASURE)
    assert (row.actor_id, row.target) == (admin_agent.pk, f"customer:{customer_id}")
    assert row.data["tickets"] == 2
    assert TicketEvent.objects.filter(kind="customer-erased", actor="adan").count() == 2


def _rollups() -> list[dict[str, object]]:
    from ventanilla.reports.models import Rollup

    return [
        {k: v for k, v in row.items() if k != "id"}
        for row in Rollup.objects.order_by(*[f.name for f in Rollup._meta.fields]).values()
    ]


@pytest.mark.django_db(transaction=True)
def test_report_rollups_are_unchanged_and_a_rebuild_agrees(history, admin_agent):
    from ventanilla.reports.services import rollups_rebuild

    before = _rollups()
    assert before
    customer_erase(customer=Customer.objects.get(email=LUCIA), actor=admin_agent)
    assert _rollups() == before
    rollups_rebuild()
    assert _rollups() == before


@pytest.mark.django_db(transaction=True)
def test_the_neighbour_keeps_his_case(history, admin_agent):
    customer_erase(customer=Customer.objects.get(email=LUCIA), actor=admin_agent)
    juan = Ticket.objects.get(pk=history.juan.pk)
    assert juan.customer.email == JUAN
    assert juan.number == history.juan.number
    (article,) = juan.articles.all()
    assert article.sender_email == JUAN
    assert "Mi pedido no llega." in article.text
    assert "[erased]" in str(article.cc)
    assert sorted(a.filename for a in article.attachments.all()) == ["logo.png", "pedido.pdf"]
    assert not juan.participants.exists()
    # His raw mail named her in its Cc: it is emptied; what agents read of it stays.
    assert bytes(InboundMessage.objects.get(ticket=juan).raw) == b""


@pytest.mark.django_db(transaction=True)
def test_later_mail_from_the_address_is_a_new_customer(history, admin_agent, deliver):
    reply_id = OutboundMessage.objects.filter(ticket=history.lucia, kind="reply").get().message_id
    customer_erase(customer=Customer.objects.get(email=LUCIA), actor=admin_agent)
    # A reply to our old mail: its signed Message-ID and the number in the subject.
    raw = mail(
        sender=f"{LUCIA_NAME} <{LUCIA}>",
        subject=f"Re: [{history.lucia.number}] Contrato",
        body="Sigo con el problema.",
        message_id="<despues@cliente.es>",
    ).replace(b"Message-ID:", f"In-Reply-To: {reply_id}\nMessage-ID:".encode(), 1)
    inbound = deliver(raw)
    inbound.refresh_from_db()
    new = Ticket.objects.get(pk=inbound.ticket_id)
    assert new.pk not in (history.lucia.pk, history.lucia_second.pk)
    assert new.customer.email == LUCIA
    assert new.follow_up_of_id is None
    assert Customer.objects.filter(email=LUCIA).count() == 1


@pytest.mark.django_db(transaction=True)
def test_cli_erase_needs_confirmation_and_logs_the_operator(history, capsys):
    with pytest.raises(CommandError, match="--yes"):
        call_command("privacy", "erase", "--customer", LUCIA)
    call_command("privacy", "erase", "--customer", LUCIA.upper(), "--yes")
    assert not Customer.objects.filter(email=LUCIA).exists()
    (row,) = SensitiveAction.objects.filter(kind=SensitiveKind.ERASURE)
    assert row.actor_name.startswith("cli:")
    assert "2 tickets kept anonymised" in capsys.readouterr().out
