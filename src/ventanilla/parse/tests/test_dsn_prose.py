"""``dsn.classify`` on prose bounces (qmail, Exim, Exchange...) and on ordinary mail."""

from __future__ import annotations

import pytest

from ventanilla.parse.dsn import classify
from ventanilla.parse.dsn_text import cut_original, text_recipients
from ventanilla.parse.tests.bounces import (
    EXCHANGE,
    EXIM,
    EXIM_DELAY,
    QMAIL,
    build_text_bounce,
    parse,
)


@pytest.mark.parametrize(
    ("sender", "subject", "body", "recipient", "permanent", "original"),
    [
        (
            "MAILER-DAEMON@mx.cliente.es",
            "failure notice",
            QMAIL,
            "nadie@cliente.es",
            True,
            "SOP-ack-1@empresa.es",
        ),
        (
            "Mail Delivery System <Mailer-Daemon@mx.cliente.es>",
            "Mail delivery failed: returning message to sender",
            EXIM,
            "perdido@cliente.es",
            True,
            "SOP-ack-2@empresa.es",
        ),
        (
            "Mail Delivery System <Mailer-Daemon@mx.cliente.es>",
            "Warning: message 1abc delayed 24 hours",
            EXIM_DELAY,
            "lento@cliente.es",
            False,
            None,
        ),
        (
            "Microsoft Outlook <postmaster@cliente.onmicrosoft.com>",
            "Undeliverable: Hola",
            EXCHANGE,
            "ana.ruiz@cliente.es",
            True,
            None,
        ),
        (
            "postmaster@cliente.es",
            "No se puede entregar: Hola",
            "No se ha podido entregar el mensaje a <ines@cliente.es>.\n550 5.1.1 User unknown\n",
            "ines@cliente.es",
            True,
            None,
        ),
    ],
    ids=["qmail", "exim", "exim-delay", "exchange", "es-postmaster"],
)
def test_prose_bounces(sender, subject, body, recipient, permanent, original):
    report = classify(parse(build_text_bounce(sender=sender, subject=subject, body=body)))
    assert report is not None
    assert report.report_type == "free-text"
    assert report.is_failure
    assert report.recipients == (recipient,)
    assert report.permanent is permanent
    if original:
        assert report.original_message_ids[0] == original


@pytest.mark.parametrize(
    ("sender", "subject", "body"),
    [
        ("Lucía <lucia@cliente.es>", "No puedo entrar", "Hola, no puedo entrar en la intranet."),
        (
            "Lucía <lucia@cliente.es>",
            "Fwd: Undelivered Mail Returned to Sender",
            "Os reenvío el error que me sale:\n\nUndeliverable to pepe@cliente.es\n",
        ),
        (
            "Lucía <lucia@cliente.es>",
            "Returned mail policy",
            "Hola, ¿cuál es la política de devoluciones?",
        ),
        ("boletin@tienda.es", "Ofertas", "Este mes, todo al 50%."),
        (
            "Lucía <lucia@cliente.es>",
            "Mail delivery failed",
            "Hola, al escribir a ventas me sale: message could not be delivered. ¿Podéis mirarlo?",
        ),
    ],
    ids=[
        "customer",
        "customer-forwards-bounce",
        "subject-only",
        "newsletter",
        "customer-describes-a-bounce",
    ],
)
def test_ordinary_mail_is_not_a_report(sender, subject, body):
    assert classify(parse(build_text_bounce(sender=sender, subject=subject, body=body))) is None


def test_cut_original_and_text_recipients_skip_ids_and_headers():
    notice = cut_original(QMAIL)
    assert "Below this line" not in notice
    found = text_recipients(
        "Message-ID: <abc@mx.cliente.es>\nFrom: x@y.es\nfailed: <Bad@Cliente.es>: no\n",
        exclude={"soporte@empresa.es"},
    )
    assert found == ["bad@cliente.es"]
