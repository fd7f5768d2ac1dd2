"""The IMAP poller against a real Dovecot: faults (database or server down, bad login), XOAUTH2."""

from __future__ import annotations

import shlex
import sys
from contextlib import contextmanager

import pytest
from django.db import connection
from imapclient import SEEN

from ventanilla.intake import imap
from ventanilla.intake.tests.imap_support import _flags, _poll, _set_password
from ventanilla.mail.models import ImapAccount, InboundMessage
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _inbound_table_gone():
    """Make storing impossible for real: the table is renamed away (committed DDL)."""
    table = InboundMessage._meta.db_table
    quoted, away = connection.ops.quote_name(table), connection.ops.quote_name(f"{table}_away")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quoted} RENAME TO {away}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {away} RENAME TO {quoted}")


def test_database_down_leaves_mail_on_server_then_ingests_once(
    account, dovecot, imap_user, make_mail
):
    dovecot.deliver(imap_user, make_mail(subject="Durante la caída"))
    with _inbound_table_gone(), pytest.raises(imap.ImapPollError):
        _poll(account)
    account.refresh_from_db()
    assert account.failures == 1
    assert "mail_inboundmessage" in account.last_error
    assert account.last_uid == 0
    assert _flags(dovecot, imap_user) == {"Durante la caída": set()}, "untouched on the server"
    result = _poll(account)
    assert (result.fetched, result.stored) == (1, 1)
    assert _poll(account).fetched == 0
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert _flags(dovecot, imap_user) == {"Durante la caída": {SEEN}}
    account.refresh_from_db()
    assert (account.failures, account.last_error) == (0, "")


def test_wrong_password_is_recorded(account):
    _set_password(account, "wrong")
    with pytest.raises(imap.ImapPollError):
        _poll(account)
    account.refresh_from_db()
    assert account.failures == 1
    assert "uthenticat" in account.last_error


def test_token_command_output_and_failure(tmp_path):
    script = tmp_path / "token.py"
    script.write_text("import sys\nprint('ya29.token-' + sys.argv[1])\nprint('extra line')\n")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} soporte"
    assert imap.access_token(command) == "ya29.token-soporte"
    with pytest.raises(imap.ImapPollError, match="exited 3"):
        imap.access_token(f"{shlex.quote(sys.executable)} -c 'import sys; sys.exit(3)'")
    with pytest.raises(imap.ImapPollError, match="token command failed"):
        imap.access_token("/nonexistent/token-helper")


def test_xoauth2_string_format():
    assert imap.xoauth2_string("a@b.es", "tok") == "user=a@b.es\x01auth=Bearer tok\x01\x01"


def test_xoauth2_login_with_token_command(account, dovecot, imap_user, make_mail, tmp_path):
    """Dovecot's oauth2 passdb asks the fixture's introspection server about our token."""
    token = dovecot.issue_token(imap_user)
    helper = tmp_path / "token-helper.py"
    helper.write_text(f"print({token!r})\n")
    ImapAccount.objects.filter(pk=account.pk).update(
        auth="xoauth2",
        password_encrypted="",
        token_command=f"{shlex.quote(sys.executable)} {shlex.quote(str(helper))}",
    )
    dovecot.deliver(imap_user, make_mail(subject="Vía OAuth2"))
    assert _poll(account).stored == 1
    assert dovecot.token_server.requests == [token]
    assert f"user=<{imap_user.address}>, method=XOAUTH2" in dovecot.log()


def test_xoauth2_with_a_rejected_token_is_recorded(account, dovecot, imap_user, make_mail):
    ImapAccount.objects.filter(pk=account.pk).update(
        auth="xoauth2", password_encrypted="", token_command="echo ya29.revoked"
    )
    dovecot.deliver(imap_user, make_mail(subject="No entra"))
    with pytest.raises(imap.ImapPollError):
        _poll(account)
    assert "ya29.revoked" in dovecot.token_server.requests
    account.refresh_from_db()
    assert account.failures == 1
    assert not InboundMessage.objects.exists()


def test_server_down_is_recorded_and_counted(account):
    from tests.servers.dovecot import free_port

    ImapAccount.objects.filter(pk=account.pk).update(port=free_port())  # nobody listens
    for _ in range(2):
        with pytest.raises(imap.ImapPollError):
            _poll(account)
    account.refresh_from_db()
    assert account.failures == 2
    assert "Connection refused" in account.last_error
    assert account.last_poll_at is not None
    assert account.last_success_at is None
