"""Delivery reports for tests: RFC 3464 DSNs, prose bounces of real MTAs, a parser."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage


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
