"""Helpers of the IMAP poller tests: store a password, poll once, read flags as another client."""

from __future__ import annotations

from email import message_from_bytes, policy

from imapclient import RECENT

from ventanilla.intake import imap


def _set_password(account, password):
    """Store another password (encrypted, like the admin does)."""
    account.password = password
    account.save(update_fields=["password_encrypted"])


def _poll(account):
    account.refresh_from_db()
    return imap.poll_account(account)


def _flags(dovecot, user, folder="INBOX"):
    """Return {subject: flags} of the messages in ``folder``, read as another client."""
    with dovecot.imap(user, folder=folder) as client:
        data = client.fetch(client.search("ALL"), ["FLAGS", "BODY.PEEK[HEADER]"])
    return {
        message_from_bytes(item[b"BODY[HEADER]"], policy=policy.default)["Subject"]: set(
            item[b"FLAGS"]
        )
        - {RECENT}
        for item in data.values()
    }
