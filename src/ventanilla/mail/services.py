"""Writes on mailboxes: create one, rotate its HTTP intake token."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from ventanilla.mail.models import Mailbox


@transaction.atomic
def mailbox_create(
    *,
    name: str,
    address: str,
    prefix: str,
    default_language: str = "es",
    fallback_contact: str = "",
) -> Mailbox:
    """Create a support mailbox."""
    return Mailbox.objects.create(
        name=name,
        address=address.strip().lower(),
        prefix=prefix.strip().upper(),
        sender_name=name,
        default_language=default_language,
        fallback_contact=fallback_contact,
    )


@transaction.atomic
def mailbox_token_rotate(*, mailbox: Mailbox) -> str:
    """Give ``mailbox`` a new HTTP intake token and return it; only its sha256 is stored.

    The previous token stops working at once. The caller shows the token once.
    """
    token = secrets.token_urlsafe(32)
    # Same digest as intake.http.token_hash, which checks it.
    mailbox.intake_token_sha256 = hashlib.sha256(token.encode("utf-8")).hexdigest()
    mailbox.save(update_fields=["intake_token_sha256"])
    return token


@transaction.atomic
def mailbox_team_set(*, mailbox: Mailbox, team_id: int | None) -> Mailbox:
    """Route ``mailbox``'s new tickets to the team ``team_id`` (or to none)."""
    mailbox.team_id = team_id
    mailbox.save(update_fields=["team"])
    return mailbox
