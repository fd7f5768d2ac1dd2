"""The portal's sign-in mail: an automatic draft belonging to no ticket, and who may get it."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from ventanilla.mail.models import OutboundKind
from ventanilla.outbound import policy
from ventanilla.outbound.compose import compose_message
from ventanilla.outbound.kinds.portal_signin import (
    SigninLink,
    portal_signin_draft,
    portal_signin_mailbox,
)

pytestmark = pytest.mark.django_db

URL = "https://soporte.empresa.es/p/signin/abc123/"


def _link(language: str) -> SigninLink:
    return SigninLink(
        email="lucia@cliente.es", name="Lucía", language=language, url=URL, minutes=20
    )


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("es", "Su enlace para entrar en el portal de clientes", "durante 20 minutos"),
        ("en", "Your link to sign in to the customer portal", "within 20 minutes"),
    ],
)
def test_the_draft_is_automatic_mail_in_the_customers_language(
    mailbox, language, subject, sentence
):
    draft = portal_signin_draft(link=_link(language), mailbox=mailbox)
    assert draft.kind == OutboundKind.PORTAL_SIGNIN
    assert draft.automatic
    assert draft.ticket_id is None
    assert draft.to == ("lucia@cliente.es",)
    assert draft.subject == subject
    assert URL in draft.text
    assert sentence in draft.text
    message = message_from_bytes(compose_message(draft), policy=default)
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] is None  # nothing to thread: a plain Message-ID
    assert message["Content-Language"] == language


def test_the_sign_in_mail_leaves_from_the_support_mailbox(mailbox):
    assert portal_signin_mailbox() == mailbox


def test_the_policy_refuses_robots_our_own_and_unwritable_addresses(mailbox):
    assert policy.portal_signin_refusals(recipient="lucia@cliente.es") == []
    assert policy.portal_signin_refusals(recipient="no-reply@cliente.es") == ["robot-recipient"]
    assert policy.portal_signin_refusals(recipient="Soporte@empresa.es") == ["own-address"]
    assert policy.portal_signin_refusals(recipient="lucia@cliente..es") == ["bad-recipient"]
