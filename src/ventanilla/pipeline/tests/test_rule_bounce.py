"""Rule ``bounce``: fills ``ctx.bounce``; bounces never open tickets, and join the one they name."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from ventanilla.mail.models import InboundState, OutboundMessage
from ventanilla.parse.dsn import DsnReport
from ventanilla.parse.tests.bounces import EXCHANGE, QMAIL, build_dsn, build_text_bounce
from ventanilla.pipeline.context import Context
from ventanilla.pipeline.rules.auto_submitted import AutoSubmitted
from ventanilla.pipeline.rules.bounce import BounceRule
from ventanilla.pipeline.tests.contexts import unsaved_ctx
from ventanilla.tickets.models import Ticket


def make_ctx(raw: bytes) -> Context:
    return unsaved_ctx(raw)


def test_failed_dsn_fills_bounce():
    ctx = make_ctx(build_dsn(recipient="Nadie@Cliente.es"))
    assert BounceRule().check(ctx)
    assert ctx.bounce is not None
    assert ctx.bounce.recipients == ["nadie@cliente.es"]
    assert ctx.bounce.permanent
    assert ctx.bounce.status == "5.1.1"
    assert ctx.bounce.original_message_ids[0] == "SOP-orig@empresa.es"
    assert ctx.reasons == ["Bounce (delivery-status, permanent 5.1.1): nadie@cliente.es"]


def test_delayed_dsn_is_a_temporary_bounce():
    ctx = make_ctx(build_dsn(action="delayed", status="4.4.7"))
    assert BounceRule().check(ctx)
    assert ctx.bounce is not None
    assert not ctx.bounce.permanent


def test_prose_bounce_fills_bounce():
    ctx = make_ctx(
        build_text_bounce(
            sender="MAILER-DAEMON@mx.cliente.es", subject="failure notice", body=QMAIL
        )
    )
    assert BounceRule().check(ctx)
    assert ctx.bounce is not None
    assert ctx.bounce.recipients == ["nadie@cliente.es"]
    assert ctx.bounce.original_message_ids == ["SOP-ack-1@empresa.es", "first@cliente.es"]


def _with_headers(raw: bytes, headers: str) -> bytes:
    return headers.encode() + raw


def _daemon_returning_original() -> bytes:
    """A daemon's notice in words we do not know, with the returned message attached."""
    original = EmailMessage()
    original["From"] = "soporte@empresa.es"
    original["To"] = "perdida@cliente.es"
    original["Message-ID"] = "<SOP-ack-9@empresa.es>"
    original.set_content("Hola")
    notice = EmailMessage()
    notice["From"] = "MAILER-DAEMON@mx.cliente.es"
    notice["To"] = "soporte@empresa.es"
    notice["Subject"] = "Aviso"
    notice.set_content("Véase el mensaje adjunto.")
    notice.add_attachment(original)
    return notice.as_bytes()


NOT_DELIVERED = (
    "Your message could not be delivered to the following recipients:\n\n"
    "  pepa@cliente.es\n    550 5.1.1 User unknown\n"
)


@pytest.mark.parametrize(
    ("raw", "recipients", "original_id"),
    [
        (
            _with_headers(
                build_text_bounce(
                    sender="correo@mx.cliente.es", subject="Hola", body=NOT_DELIVERED
                ),
                "Return-Path: <>\n",
            ),
            ["pepa@cliente.es"],
            None,
        ),
        (_daemon_returning_original(), [], "SOP-ack-9@empresa.es"),
        (
            _with_headers(
                build_text_bounce(
                    sender="sistema@cliente.es", subject="Undeliverable: Hola", body=EXCHANGE
                ),
                "Auto-Submitted: auto-generated\n",
            ),
            ["ana.ruiz@cliente.es"],
            None,
        ),
    ],
    ids=["null-return-path-only", "daemon-with-original-only", "subject-only-automatic"],
)
def test_prose_bounces_with_a_single_sign_in_the_headers(raw, recipients, original_id):
    # The free-text scan runs only when the headers show a sign (robot sender, null
    # Return-Path, bounce subject): each of these has just one, and must still be found.
    ctx = make_ctx(raw)
    assert BounceRule().check(ctx)
    assert ctx.bounce is not None
    assert ctx.bounce.recipients == recipients
    if original_id:
        assert ctx.bounce.original_message_ids[0] == original_id


def test_classification_is_kept_on_the_context():
    dsn = make_ctx(build_dsn())
    assert BounceRule().check(dsn)
    assert isinstance(dsn.dsn_report, DsnReport)
    customer = make_ctx(build_text_bounce(sender="lucia@cliente.es", subject="Hola", body="Hola"))
    assert not BounceRule().check(customer)
    assert customer.dsn_report is False


def test_auto_submitted_reuses_the_bounce_rules_classification():
    ctx = make_ctx(build_dsn(action="delivered", status="2.0.0", subject="Entregado"))
    assert AutoSubmitted().check(make_ctx(ctx.raw))  # classified afresh: a success report
    ctx.dsn_report = False  # as if the bounce rule had found no report: not asked again
    assert not AutoSubmitted().check(ctx)


@pytest.mark.parametrize(
    "raw",
    [
        build_dsn(action="delivered", status="2.0.0"),
        build_dsn(report_type="disposition-notification"),
        build_dsn(report_type="feedback-report"),
        build_text_bounce(sender="lucia@cliente.es", subject="Hola", body="¿Qué tal?"),
    ],
    ids=["success-dsn", "mdn", "arf", "customer"],
)
def test_not_a_bounce(raw):
    ctx = make_ctx(raw)
    assert not BounceRule().check(ctx)
    assert ctx.bounce is None
    assert ctx.reasons == []


@pytest.mark.django_db(transaction=True)
def test_bounce_about_no_ticket_is_ignored(deliver):
    inbound = deliver(build_dsn(original_id="<desconocido@otra.es>"))
    assert inbound.state == InboundState.IGNORED, inbound.error
    assert "bounce" in inbound.rule_hits
    assert not Ticket.objects.exists()
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("via", ["message-id", "references"])
def test_bounce_about_a_ticket_is_attached_without_status_change(deliver, make_mail, via):
    first = deliver(make_mail(message_id="<pedido-1@cliente.es>"))
    ticket = Ticket.objects.get()
    status = ticket.status
    outbound_before = OutboundMessage.objects.count()
    if via == "message-id":
        headers = (
            "From: lucia@cliente.es\nTo: soporte@empresa.es\nMessage-ID: <pedido-1@cliente.es>\n"
        )
    else:
        headers = (
            "From: soporte@empresa.es\nMessage-ID: <x9@empresa.es>\n"
            "References: <pedido-1@cliente.es>\n"
        )
    inbound = deliver(build_dsn(original_headers=headers, recipient="lucia@cliente.es"))
    assert first.state == InboundState.PROCESSED
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert inbound.ticket_id == ticket.pk
    assert Ticket.objects.count() == 1
    article = ticket.articles.order_by("pk").last()
    assert article is not None
    assert article.kind == "bounce"
    ticket.refresh_from_db()
    assert ticket.status == status
    assert OutboundMessage.objects.count() == outbound_before  # a bounce is never answered
