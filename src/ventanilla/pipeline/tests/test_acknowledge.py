"""The ``acknowledge`` handler on a hand-built context: when it queues, and why it does not."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.mail.services import mailbox_create
from ventanilla.parse.parsing import parse_message
from ventanilla.pipeline.context import Context, MailKind
from ventanilla.pipeline.handlers.acknowledge import Acknowledge
from ventanilla.tickets.models import TicketEvent
from ventanilla.tickets.services import ticket_create_from_mail


@pytest.fixture
def make_ctx(mailbox, make_mail):
    """Return a builder of a context as the pipeline leaves it just before ``acknowledge``."""
    counter = iter(range(1000))

    def _make(*, send_ack=True, customer_language="", language="", created=True, **mail_kw):
        mail_kw.setdefault("message_id", f"<m{next(counter)}@cliente.es>")
        raw = make_mail(**mail_kw)
        inbound = ingest_raw(
            raw, source="test", envelope_to=[mailbox.address], send_ack=send_ack, process=False
        ).inbound
        ctx = Context(inbound=inbound, mailbox=mailbox, raw=raw, mail=parse_message(raw))
        sender = ctx.parsed.sender
        assert sender is not None
        ctx.language = language
        ctx.customer = customer_upsert_from_mail(
            email=sender.email, name=sender.name, language=customer_language
        )
        ctx.ticket = ticket_create_from_mail(
            mailbox=mailbox,
            customer=ctx.customer,
            subject=ctx.parsed.subject,
            received_at=timezone.now(),
            language=language,
        )
        ctx.created_ticket = created
        return ctx

    return _make


def _run(ctx):
    Acknowledge().process(ctx)


def _acks():
    return list(OutboundMessage.objects.filter(kind=OutboundKind.ACK).order_by("pk"))


def _events(ticket, kind):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=kind))


@pytest.mark.django_db
def test_queues_a_reply_to_the_customers_mail(make_ctx):
    ctx = make_ctx(
        message_id="<m1@cliente.es>",
        references="<r0@cliente.es>",
        headers={"Reply-To": "otra@tercero.example"},
    )
    _run(ctx)
    [ack] = _acks()
    # To the customer (From), not to Reply-To: see the handler's docstring.
    assert ack.recipients == ["lucia@cliente.es"]
    assert ack.ticket == ctx.ticket
    assert ack.envelope_from == "soporte@empresa.es"
    msg = message_from_bytes(bytes(ack.raw), policy=policy.default)
    assert msg["In-Reply-To"] == "<m1@cliente.es>"
    assert msg["References"].split() == ["<r0@cliente.es>", "<m1@cliente.es>"]
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["Message-ID"].startswith(f"<{ctx.ticket.number}.")
    [event] = _events(ctx.ticket, "ack-queued")
    assert event.data == {"outbound_id": ack.pk, "language": "es"}


@pytest.mark.django_db
def test_nothing_for_replies_or_automatic_mail(make_ctx):
    reply = make_ctx(created=False)
    _run(reply)
    auto = make_ctx()
    auto.kind = MailKind.AUTO_REPLY
    _run(auto)
    assert _acks() == []
    assert not TicketEvent.objects.filter(kind__startswith="ack-").exists()


def _own_address(ctx):
    mailbox_create(name="Ventas", address="ventas@empresa.es", prefix="VEN")
    ctx.ticket.customer = customer_upsert_from_mail(email="ventas@empresa.es", name="")


def _customer(email):
    def prepare(ctx):
        ctx.ticket.customer = customer_upsert_from_mail(email=email, name="")

    return prepare


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (lambda ctx: ctx.suppress_ack("list-mail"), "list-mail"),
        (lambda ctx: ctx.suppress_ack("robot-sender"), "robot-sender"),
        (lambda ctx: setattr(ctx.inbound, "send_ack", False), "import"),
        (lambda ctx: setattr(ctx.mailbox, "ack_enabled", False), "ack-disabled"),
        (lambda ctx: setattr(ctx, "possible_spoof", True), "possible-spoof"),
        (_own_address, "own-address"),
        (_customer("sin-arroba"), "no-recipient"),
        (_customer("lucia@cliente..es"), "bad-recipient"),
        (_customer("lucia@exa mple.es"), "bad-recipient"),
    ],
    ids=[
        "list",
        "robot",
        "import",
        "disabled",
        "spoof",
        "own-address",
        "no-at",
        "empty-label",
        "space",
    ],
)
@pytest.mark.django_db
def test_suppressed_and_recorded(make_ctx, prepare, reason):
    ctx = make_ctx()
    prepare(ctx)
    _run(ctx)
    assert _acks() == []
    [event] = _events(ctx.ticket, "ack-suppressed")
    assert event.data == {"reasons": [reason]}


@pytest.mark.django_db
def test_rate_limit_per_customer_and_window(make_ctx, mailbox):
    mailbox.ack_limit = 2
    mailbox.ack_window_minutes = 30
    mailbox.save()
    for _ in range(3):
        _run(make_ctx())
    assert len(_acks()) == 2
    [event] = TicketEvent.objects.filter(kind="ack-suppressed")
    assert event.data == {"reasons": ["rate-limit"]}
    # Another customer is not affected.
    _run(make_ctx(sender="Ana <ana@cliente.es>"))
    assert len(_acks()) == 3
    # Acks older than the window no longer count.
    OutboundMessage.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    _run(make_ctx())
    assert len(_acks()) == 4


@pytest.mark.parametrize(
    ("customer_language", "detected", "expected", "words"),
    [
        ("en", "es", "en", "We received your request"),
        ("", "en", "en", "We received your request"),
        ("", "", "es", "Hemos recibido tu solicitud"),
    ],
)
@pytest.mark.django_db
def test_language(make_ctx, customer_language, detected, expected, words):
    ctx = make_ctx(customer_language=customer_language, language=detected)
    _run(ctx)
    [ack] = _acks()
    assert words in ack.subject
    assert _events(ctx.ticket, "ack-queued")[0].data["language"] == expected
    msg = message_from_bytes(bytes(ack.raw), policy=policy.default)
    assert msg["Content-Language"] == expected


@pytest.mark.django_db
def test_internationalised_customer_is_acknowledged(make_ctx):
    ctx = make_ctx()
    ctx.ticket.customer = customer_upsert_from_mail(email="jdöe@mächine.example", name="Jöhn")
    _run(ctx)
    [ack] = _acks()
    assert ack.recipients == ["jdöe@xn--mchine-bua.example"]
    assert "jdöe@xn--mchine-bua.example".encode() in bytes(ack.raw)
