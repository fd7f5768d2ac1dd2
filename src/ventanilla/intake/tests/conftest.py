"""Fixtures of the intake tests: an IMAP account polling the test Dovecot."""

from __future__ import annotations

import pytest

from ventanilla.mail.models import ImapAccount


@pytest.fixture
def account(mailbox, dovecot, imap_user):
    """An account polling ``imap_user``'s INBOX on the test Dovecot, flagging \\Seen after."""
    account = ImapAccount(
        mailbox=mailbox,
        name="soporte-imap",
        host=dovecot.host,
        port=dovecot.imap_port,
        security="none",
        username=imap_user.address,
    )
    account.password = imap_user.password  # stored encrypted
    account.save()
    return account
