"""Rule ``list-mail``: list mail becomes a ticket but is never acknowledged."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import InboundState, OutboundMessage
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.rules.list_mail import ListMail
from ventanilla.pipeline.tests.contexts import unsaved_ctx
from ventanilla.tickets.models import Ticket


def make_ctx(raw: bytes) -> Context:
    return unsaved_ctx(raw)


@pytest.mark.parametrize(
    "headers",
    [
        {"List-Id": "Usuarios <usuarios.lists.cliente.es>"},
        {"List-Unsubscribe": "<mailto:leave@lists.cliente.es>"},
        {"List-Post": "<mailto:usuarios@lists.cliente.es>"},
        {"Precedence": "list"},
        {"Precedence": "LIST"},
        {"Mailing-List": "contact usuarios-help@cliente.es; run by ezmlm"},
        {"X-Mailing-List": "usuarios@cliente.es"},
    ],
    ids=[
        "list-id",
        "list-unsubscribe",
        "list-post",
        "precedence-list",
        "precedence-case",
        "mailing-list",
        "x-mailing-list",
    ],
)
def test_list_headers(make_mail, headers):
    ctx = make_ctx(make_mail(headers=headers))
    assert ListMail().check(ctx)
    assert len(ctx.reasons) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Precedence": "bulk"}, {"List-Id": ""}, {"X-List-Note": "nada"}],
    ids=["none", "bulk", "empty-list-id", "unrelated"],
)
def test_not_list_mail(make_mail, headers):
    assert not ListMail().check(make_ctx(make_mail(headers=headers)))


@pytest.mark.django_db(transaction=True)
def test_list_mail_opens_a_ticket_without_acknowledgement(deliver, make_mail):
    inbound = deliver(make_mail(headers={"List-Id": "<usuarios.lists.cliente.es>"}))
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert "list-mail" in inbound.rule_hits
    assert Ticket.objects.count() == 1
    assert not OutboundMessage.objects.filter(kind="ack").exists()
    # The same mail without the list header is acknowledged: the rule made the difference.
    other = deliver(make_mail(sender="ana@cliente.es", message_id="<n2@cliente.es>"))
    assert other.state == InboundState.PROCESSED
    assert OutboundMessage.objects.filter(kind="ack").count() == 1
