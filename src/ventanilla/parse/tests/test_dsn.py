"""``dsn.classify``: standard DSNs, other reports, prose bounces, and ordinary mail."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from ventanilla.parse.dsn import classify, is_hard
from ventanilla.parse.dsn_text import cut_original, text_recipients


def build_dsn(
    *,
    action: str = "failed",
    status: str = "5.1.1",
    recipient: str = "nadie@cliente.es",
    original_recipient: str | None = None,
    original_id: str = "<SOP-orig@empresa.es>",
    original_headers: str = "",
    report_type: str = "delivery-status",
    sender: str = "MAILER-DAEMON@mx.cliente.es (Mail Delivery System)",
    subject: str = "Undelivered Mail Returned to Sender",
    as_rfc822: bool = False,
) -> bytes:
    """Build an RFC 3464 report (``multipart/report``) as an MTA would send it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = subject
    msg["Message-ID"] = "<dsn-1@mx.cliente.es>"
    msg["Return-Path"] = "<>"
    msg.set_content("This is the mail system at host mx.cliente.es.\n\nI'm sorry...\n")
    msg.make_mixed()
    msg.replace_header(
        "Content-Type", f'multipart/report; report-type={report_type}; boundary="b1"'
    )
    fields = "Reporting-MTA: dns; mx.cliente.es\n\n"
    if original_recipient:
        fields += f"Original-Recipient: rfc822; {original_recipient}\n"
    fields += f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
    fields += f"Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected\n"
    status_part = email.message_from_string(
        "Content-Type: message/delivery-status\n\n" + fields, policy=email.policy.default
    )
    msg.attach(status_part)
    headers = original_headers or (
        f"From: soporte@empresa.es\nTo: {recipient}\nSubject: [SOP-2026-00001] Recibido\n"
        f"Message-ID: {original_id}\nIn-Reply-To: <cust-1@cliente.es>\n"
        "References: <cust-0@cliente.es> <cust-1@cliente.es>\n"
    )
    ctype = "message/rfc822" if as_rfc822 else "text/rfc822-headers"
    body = "\nHola\n" if as_rfc822 else ""
    original = email.message_from_string(
        f"Content-Type: {ctype}\n\n{headers}{body}", policy=email.policy.default
    )
    msg.attach(original)
    return msg.as_bytes()


def build_text_bounce(*, sender: str, subject: str, body: str) -> bytes:
    """Build a prose (non-RFC 3464) bounce as old MTAs send them."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = subject
    msg["Message-ID"] = "<nd-1@mx.cliente.es>"
    msg.set_content(body)
    return msg.as_bytes()


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_failed_dsn_reads_fields_and_original_ids():
    report = classify(parse(build_dsn()))
    assert report is not None
    assert report.is_failure
    assert report.permanent
    assert report.recipients == ("nadie@cliente.es",)
    assert report.status == "5.1.1"
    assert "Recipient address rejected" in report.diagnostic
    # Own Message-ID first, then In-Reply-To, then References newest first.
    assert report.original_message_ids == (
        "SOP-orig@empresa.es",
        "cust-1@cliente.es",
        "cust-0@cliente.es",
    )
    assert is_hard(permanent=report.permanent, status=report.status, diagnostic=report.diagnostic)


def test_original_recipient_is_preferred_and_lowercased():
    raw = build_dsn(recipient="alias@mx.cliente.es", original_recipient="Ana@Cliente.ES")
    report = classify(parse(raw))
    assert report is not None
    assert report.recipients == ("ana@cliente.es",)


def test_original_as_message_rfc822():
    report = classify(parse(build_dsn(as_rfc822=True, original_id="<x1@empresa.es>")))
    assert report is not None
    assert report.original_message_ids[0] == "x1@empresa.es"


@pytest.mark.parametrize(
    ("action", "status", "failure", "permanent"),
    [
        ("delayed", "4.4.7", True, False),
        ("failed", "5.2.2", True, True),
        ("failure", "5.0.0", True, True),  # non-standard spelling seen in the wild
        ("delivered", "2.0.0", False, False),
        ("relayed", "2.0.0", False, False),
        ("deliverable", "2.1.5", False, False),
        ("", "4.2.2", True, False),  # no Action: judged by the status class
    ],
    ids=["delayed", "failed", "failure", "delivered", "relayed", "deliverable", "no-action"],
)
def test_dsn_actions(action, status, failure, permanent):
    report = classify(parse(build_dsn(action=action, status=status)))
    assert report is not None
    assert report.report_type == "delivery-status"
    assert report.is_failure is failure
    assert report.permanent is permanent


def test_soft_permanent_failure_is_not_hard():
    report = classify(parse(build_dsn(status="5.2.2")))
    assert report is not None
    assert report.permanent
    assert report.diagnostic
    # A full mailbox fails for now, but the address itself is fine.
    assert not is_hard(permanent=True, status="5.2.2", diagnostic="552 mailbox full")
    assert is_hard(permanent=True, status="5.0.0", diagnostic="550 No such user here")
    assert not is_hard(permanent=False, status="4.1.1", diagnostic="user unknown")


MIXED = (b'multipart/report; report-type="delivery-status"', b"multipart/mixed")


@pytest.mark.parametrize(
    "swaps",
    [
        [(b"multipart/report;", b"Multipart/REPORT (dsn);\n\t")],
        [MIXED],
        [MIXED, (b"message/delivery-status", b"Message/Delivery-Status")],
        [MIXED, (b"message/delivery-status", b"message/global-delivery-status")],
    ],
    ids=["folded-comment-uppercase", "status-part-in-mixed", "uppercase-part", "global-dsn"],
)
def test_report_content_types_read_in_any_spelling(swaps):
    # The raw Content-Type pre-check must let every spelling through to the real parse.
    raw = build_dsn()
    for old, new in swaps:
        assert old in raw
        raw = raw.replace(old, new, 1)
    report = classify(parse(raw))
    assert report is not None
    assert report.report_type == "delivery-status"
    assert report.recipients == ("nadie@cliente.es",)


def test_report_word_in_a_boundary_is_still_ordinary_mail():
    msg = EmailMessage()
    msg["From"] = "Lucía <lucia@cliente.es>"
    msg["Subject"] = "Informe mensual"
    msg.set_content("Adjunto el informe.")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="report.pdf")
    msg.set_boundary("report-delivery-status-b1")
    assert classify(parse(msg.as_bytes())) is None


@pytest.mark.parametrize(
    "report_type",
    ["feedback-report", "disposition-notification"],
    ids=["arf", "mdn"],
)
def test_other_reports_are_not_failures(report_type):
    report = classify(parse(build_dsn(report_type=report_type)))
    assert report is not None
    assert report.report_type == report_type
    assert not report.is_failure


QMAIL = """Hi. This is the qmail-send program at mx.cliente.es.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<nadie@cliente.es>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <soporte@empresa.es>
From: soporte@empresa.es
To: nadie@cliente.es
Message-ID: <SOP-ack-1@empresa.es>
References: <first@cliente.es>

Hola
"""

EXIM = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  perdido@cliente.es
    SMTP error from remote mail server after RCPT TO:<perdido@cliente.es>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

Message-ID: <SOP-ack-2@empresa.es>
From: soporte@empresa.es
"""

EXIM_DELAY = """This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx.cliente.es.

  lento@cliente.es
    host mx2.cliente.es: 451 4.4.1 Temporary failure

No action is required on your part. Delivery attempts will continue.
"""

EXCHANGE = """Delivery has failed to these recipients or groups:

ana.ruiz@cliente.es
The e-mail address you entered couldn't be found.

Diagnostic information for administrators:
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'
"""


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
