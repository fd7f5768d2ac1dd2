"""Fixtures of the agent-mail tests: real DKIM keys per domain, a DNS stub serving them, a signer.

An RSA key per domain is generated for each module, mail is signed with ``dkim.sign`` and checked
by the product's own code (``parse.auth``), whose DNS lookup hook serves the public keys.
"""

from __future__ import annotations

import base64

import dkim
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.parse import auth
from ventanilla.pipeline.tests.agent_mail.support import SELECTOR
from ventanilla.tickets.assignment import ticket_assign, ticket_set_team
from ventanilla.tickets.models import Ticket


def _new_key() -> tuple[bytes, bytes]:
    """A fresh RSA key: (PKCS#1 PEM private key, the DKIM TXT record of its public key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL, NoEncryption())
    public = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture(scope="module")
def keys() -> dict[str, tuple[bytes, bytes]]:
    """One key per domain: the company (agents) and the customer."""
    return {"empresa.es": _new_key(), "cliente.es": _new_key()}


@pytest.fixture(autouse=True)
def dns(keys, monkeypatch, settings):
    """DKIM verification on, its DNS lookup (``auth.dns_txt``) answered from ``keys``."""
    settings.VENTANILLA_DKIM_VERIFY = True
    lookups: list[bytes] = []

    def txt(name: bytes, timeout: int = 5):  # dkimpy's dnsfunc signature
        lookups.append(name)
        for domain, (_private, record) in keys.items():
            if name == SELECTOR + b"._domainkey." + domain.encode() + b".":
                return record
        return None

    monkeypatch.setattr(auth, "dns_txt", txt)
    return lookups


@pytest.fixture
def sign(keys):
    """Return ``sign(raw, domain)``: the message with a real DKIM-Signature of ``domain``."""

    def _sign(raw: bytes, domain: str = "empresa.es") -> bytes:
        signature: bytes = dkim.sign(raw, SELECTOR, domain.encode(), keys[domain][0])
        return signature + raw

    return _sign


@pytest.fixture
def assigned(deliver, make_mail, make_agent, team):
    """Lucía's ticket, assigned to Ana, with the notification mail Ana received."""
    boss = make_agent("sofia", role="supervisor")
    ana = make_agent("ana", teams=[team], first_name="Ana", last_name="Ruiz")
    inbound = deliver(make_mail())
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    ticket_set_team(ticket=ticket, team=team, actor=boss)
    ticket_assign(ticket=ticket, assignee=ana, actor=boss)
    notice = OutboundMessage.objects.get(kind=OutboundKind.NOTIFICATION, recipients=[ana.email])
    return ticket, ana, notice
