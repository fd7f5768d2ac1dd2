"""Helpers of the ticket page tests: tickets made from real mail, their personal links."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default

from django.test import Client

from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.models import Ticket
from ventanilla.tickets.portal_links import ticket_portal_token

URL_RE = re.compile(r"https?://[^\s]+?(/p/t/[^\s/]+/)")
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
NEXT_RE = re.compile(rb'name="next" value="[^"]+"')


def mailed_portal_path(row: OutboundMessage) -> str:
    """The portal path in the plain-text body of the outbox row ``row``."""
    message = message_from_bytes(bytes(row.raw), policy=default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = URL_RE.search(body.get_content())
    assert match is not None, body.get_content()
    return match.group(1)


def ack_path(ticket: Ticket) -> str:
    """The portal path in ``ticket``'s acknowledgement."""
    return mailed_portal_path(OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=ticket))


def path_for(ticket: Ticket) -> str:
    """A fresh personal link to ``ticket`` (as the next mail would carry)."""
    ticket = Ticket.objects.select_related("customer").get(pk=ticket.pk)
    return f"/p/t/{ticket_portal_token(ticket)}/"


def page(path: str, client: Client | None = None):
    """GET ``path`` as a customer's browser."""
    return (client or Client()).get(path)


def normalised(content: bytes) -> bytes:
    """The page without its CSRF token (masked anew each time) and the language switch's
    way back (the address the browser asked for)."""
    return NEXT_RE.sub(b"next", CSRF_RE.sub(b"csrf", content))
