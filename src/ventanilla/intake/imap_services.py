"""Bookkeeping of IMAP accounts: where the poller is on the server, and how the last poll went.

Every write is a narrow ``UPDATE`` of the fields it owns, so an admin editing the account (say,
its password) at the same time never loses the edit to a poller saving a stale row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ventanilla.core.rekey import RekeyReport, secrets_rekey
from ventanilla.mail.models import IMAP_PASSWORD_PURPOSE, ImapAccount

# A traceback can be long; the admin shows the head, which names the cause.
MAX_ERROR_LENGTH = 2000


@transaction.atomic
def imap_account_poll_started(*, account_id: int) -> None:
    """Record that a poll of the account began now."""
    ImapAccount.objects.filter(pk=account_id).update(last_poll_at=timezone.now())


@transaction.atomic
def imap_account_uidvalidity_set(*, account_id: int, uidvalidity: int) -> None:
    """Start over with a new UIDVALIDITY (RFC 3501 §2.3.1.1): the UIDs we knew are void.

    The folder is read again from UID 1; messages already stored are recognised by their
    sha256 in ``ingest_raw``, so nothing is stored twice.
    """
    ImapAccount.objects.filter(pk=account_id).update(uidvalidity=uidvalidity, last_uid=0)


@transaction.atomic
def imap_account_checkpoint(*, account_id: int, uidvalidity: int, last_uid: int) -> None:
    """Remember that every UID up to ``last_uid`` is stored and its after-action done.

    Guarded by UIDVALIDITY so a checkpoint from an old connection cannot undo a reset.
    """
    ImapAccount.objects.filter(pk=account_id, uidvalidity=uidvalidity).update(last_uid=last_uid)


@transaction.atomic
def imap_account_poll_succeeded(*, account_id: int) -> None:
    """Record a successful poll: clears the error and the failure count."""
    ImapAccount.objects.filter(pk=account_id).update(
        last_success_at=timezone.now(), last_error="", failures=0
    )


@transaction.atomic
def imap_account_poll_failed(*, account_id: int, error: str) -> None:
    """Record a failed poll (counted, shown in the admin and in health)."""
    ImapAccount.objects.filter(pk=account_id).update(
        last_error=error[:MAX_ERROR_LENGTH], failures=F("failures") + 1
    )


def imap_accounts_due(*, now: datetime | None = None) -> list[ImapAccount]:
    """Return the enabled accounts whose poll interval has elapsed (never polled: due)."""
    now = now or timezone.now()
    accounts = ImapAccount.objects.filter(enabled=True).select_related("mailbox")
    return [
        account
        for account in accounts
        if account.last_poll_at is None
        or account.last_poll_at + timedelta(seconds=account.poll_seconds) <= now
    ]


def imap_account_get(*, name: str) -> ImapAccount:
    """Return the account called ``name`` (raises ``ImapAccount.DoesNotExist``)."""
    return ImapAccount.objects.select_related("mailbox").get(name=name)


def imap_accounts_enabled(*, idle_only: bool = False) -> list[ImapAccount]:
    """Return the enabled accounts (only those wanting IDLE with ``idle_only``)."""
    accounts = ImapAccount.objects.filter(enabled=True).select_related("mailbox")
    if idle_only:
        accounts = accounts.filter(use_idle=True)
    return list(accounts)


@transaction.atomic
def imap_account_passwords_rekey() -> RekeyReport:
    """Re-encrypt every stored IMAP password under the current secret key.

    Run after moving the old key to ``VENTANILLA_SECRET_KEY_FALLBACKS``; once it reports no
    failure, the old key can be dropped. A password no key opens is reported, left as it is.
    Each write is guarded by the old ciphertext, so a password an admin changes meanwhile wins.
    """
    return secrets_rekey(
        rows=ImapAccount.objects.exclude(password_encrypted=""),
        column="password_encrypted",
        purpose=IMAP_PASSWORD_PURPOSE,
    )
