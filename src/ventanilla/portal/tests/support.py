"""Helpers of the portal's sign-in and requests tests: customers, mailed links, sessions."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default

from django.test import Client

from ventanilla.customers.models import Customer, Organisation
from ventanilla.mail.models import OutboundKind, OutboundMessage

LINK_RE = re.compile(r"https?://[^\s]+/p/signin/([A-Za-z0-9_-]+)/")


def customer_make(email: str, *, organisation: Organisation | None = None) -> Customer:
    """A known customer (as a first mail would have made him)."""
    return Customer.objects.create(
        email=email, name="Lucía Pérez", language="es", organisation=organisation
    )


def signin_mails(email: str) -> list[OutboundMessage]:
    """The sign-in mails queued for ``email``, oldest first."""
    return [
        row
        for row in OutboundMessage.objects.filter(kind=OutboundKind.PORTAL_SIGNIN).order_by("pk")
        if email in row.recipients
    ]


def mailed_token(email: str) -> str:
    """The token of the last sign-in link mailed to ``email``."""
    message = message_from_bytes(bytes(signin_mails(email)[-1].raw), policy=default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = LINK_RE.search(body.get_content())
    assert match is not None, body.get_content()
    return match.group(1)


def ask_link(client: Client, email: str, ip: str = "203.0.113.7"):
    """POST the sign-in form from client address ``ip``."""
    return client.post("/p/signin/", {"email": email}, REMOTE_ADDR=ip)


def signed_in_client(email: str) -> Client:
    """A browser signed in as the customer ``email`` (asked a link, opened it, confirmed)."""
    client = Client()
    ask_link(client, email)
    token = mailed_token(email)
    response = client.post(f"/p/signin/{token}/")
    assert response.status_code == 303, response
    return client
