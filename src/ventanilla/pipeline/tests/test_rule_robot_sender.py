"""Rule ``robot-sender``: no-reply and system senders, and the null envelope sender."""

from __future__ import annotations

import pytest

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundState, OutboundMessage
from ventanilla.outbound.policy import is_robot_address
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.rules.robot_sender import RobotSender
from ventanilla.pipeline.tests.contexts import unsaved_ctx
from ventanilla.tickets.models import Ticket


@pytest.mark.parametrize(
    "address",
    [
        "noreply@tienda.es",
        "no-reply@tienda.es",
        "no_reply@tienda.es",
        "NoReply@Tienda.es",
        "donotreply@banco.es",
        "do-not-reply@banco.es",
        "dont-reply@banco.es",
        "mailer-daemon@mx.es",
        "MAILER-DAEMON@mx.es",
        "postmaster@mx.es",
        "bounce@envios.es",
        "bounces+abc=cliente.es@envios.es",
        "notification@app.es",
        "notifications@github.com",
        "daemon@host.es",
        "noreply-facturas@tienda.es",
    ],
)
def test_robot_addresses(address):
    assert is_robot_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "lucia@cliente.es",
        "bouncer@club.es",
        "noreplyfan@x.es",
        "notificaciones-lucia@x.es",
        "daemonio@x.es",
        "reply@x.es",
        "postmasters-team@x.es",
    ],
)
def test_people_addresses(address):
    assert not is_robot_address(address)


def make_ctx(raw: bytes, envelope_from: str = "") -> Context:
    return unsaved_ctx(raw, envelope_from=envelope_from)


@pytest.mark.parametrize(
    ("kwargs", "envelope", "expected"),
    [
        ({"sender": "Tienda <no-reply@tienda.es>"}, "", True),
        ({}, "<>", True),
        ({"headers": {"Return-Path": "<>"}}, "", True),
        ({}, "", False),  # unknown envelope sender (IMAP, imports): not the null sender
        ({}, "lucia@cliente.es", False),
        ({"headers": {"Return-Path": "<lucia@cliente.es>"}}, "", False),
    ],
    ids=[
        "no-reply-from",
        "null-envelope",
        "null-return-path",
        "unknown-envelope",
        "person-envelope",
        "person-return-path",
    ],
)
def test_rule(make_mail, kwargs, envelope, expected):
    ctx = make_ctx(make_mail(**kwargs), envelope)
    assert RobotSender().check(ctx) is expected
    assert bool(ctx.reasons) is expected


@pytest.mark.django_db(transaction=True)
def test_robot_mail_opens_a_ticket_without_acknowledgement(mailbox, make_mail):
    raw = make_mail(sender="Tienda <no-reply@tienda.es>", subject="Su factura")
    inbound = ingest_raw(
        raw, source="smtp", envelope_from="<>", envelope_to=[mailbox.address]
    ).inbound
    inbound.refresh_from_db()
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert "robot-sender" in inbound.rule_hits
    assert Ticket.objects.count() == 1
    assert not OutboundMessage.objects.filter(kind="ack").exists()
