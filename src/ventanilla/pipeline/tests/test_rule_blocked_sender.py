"""Rule ``blocked-sender``: addresses and @domains an administrator blocked."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import BlockedSender, InboundState
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.rules.blocked import BlockedSenderRule, pattern_matches
from ventanilla.pipeline.tests.contexts import unsaved_ctx
from ventanilla.tickets.models import Ticket


@pytest.mark.parametrize(
    ("pattern", "address", "expected"),
    [
        ("spam@malo.es", "spam@malo.es", True),
        ("Spam@Malo.ES", "spam@malo.es", True),
        ("spam@malo.es", "otro@malo.es", False),
        ("@malo.es", "quien@malo.es", True),
        ("@malo.es", "quien@correo.malo.es", True),
        ("@malo.es", "quien@nomalo.es", False),
        ("@malo.es", "quien@malo.es.com", False),
        ("malo.es", "quien@MALO.es", True),
        ("", "quien@malo.es", False),
    ],
    ids=[
        "exact",
        "case",
        "other-user",
        "domain",
        "subdomain",
        "suffix-not-subdomain",
        "domain-prefix",
        "bare-domain",
        "empty",
    ],
)
def test_pattern_matches(pattern, address, expected):
    assert pattern_matches(pattern, address) is expected


def make_ctx(raw: bytes, mailbox, envelope_from: str = "") -> Context:
    return unsaved_ctx(raw, mailbox=mailbox, envelope_from=envelope_from)


@pytest.mark.django_db
def test_from_and_envelope_are_checked(mailbox, make_mail):
    BlockedSender.objects.create(pattern="@malo.es")
    assert BlockedSenderRule().check(make_ctx(make_mail(sender="x@malo.es"), mailbox))
    ctx = make_ctx(make_mail(), mailbox, envelope_from="<bounces@envios.malo.es>")
    assert BlockedSenderRule().check(ctx)
    assert "bounces@envios.malo.es matches @malo.es" in ctx.reasons[0]
    assert not BlockedSenderRule().check(make_ctx(make_mail(), mailbox))


@pytest.mark.django_db
def test_one_query_per_message(mailbox, make_mail, django_assert_num_queries):
    BlockedSender.objects.create(pattern="a@b.es")
    BlockedSender.objects.create(pattern="@c.es")
    ctx = make_ctx(make_mail(), mailbox, envelope_from="lucia@cliente.es")
    with django_assert_num_queries(1):
        assert not BlockedSenderRule().check(ctx)


@pytest.mark.django_db(transaction=True)
def test_blocked_mail_is_ignored(deliver, make_mail):
    BlockedSender.objects.create(pattern="@cliente.es", reason="spam")
    inbound = deliver(make_mail())
    assert inbound.state == InboundState.IGNORED
    assert inbound.rule_hits == ["blocked-sender"]
    assert not Ticket.objects.exists()
