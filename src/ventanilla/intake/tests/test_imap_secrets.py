"""IMAP passwords at rest: never in clear in the database, rotation, a wrong key, the migration."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ventanilla.intake import imap_loop
from ventanilla.intake.imap_loop import poll_due
from ventanilla.intake.imap_services import imap_accounts_enabled
from ventanilla.mail.models import ImapAccount, InboundMessage

PASSWORD = "Contraseña-de-IMAP-9876"
OLD_KEY = "clave-antigua-" + "a" * 40
NEW_KEY = "clave-nueva-" + "b" * 40


@pytest.fixture
def keys(settings):
    settings.SECRET_KEY = OLD_KEY
    settings.SECRET_KEY_FALLBACKS = []
    return settings


@pytest.fixture
def account(mailbox, dovecot, imap_user, keys):
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


def _stored_rows() -> list[tuple[object, ...]]:
    """Every column of every IMAP account, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mail_imapaccount")
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_the_database_never_holds_the_password(mailbox, keys):
    account = ImapAccount(mailbox=mailbox, name="m365", host="outlook.office365.com", username="u")
    account.password = PASSWORD
    account.save()
    [row] = _stored_rows()
    assert not any(PASSWORD in str(value) for value in row)
    assert ImapAccount.objects.get(pk=account.pk).password == PASSWORD
    account.password = "otra-" + PASSWORD
    account.save()
    [row] = _stored_rows()
    assert not any(PASSWORD in str(value) for value in row)
    assert ImapAccount.objects.get(pk=account.pk).password == "otra-" + PASSWORD


@pytest.mark.django_db(transaction=True)
def test_encrypted_password_logs_in_to_a_real_server(account, dovecot, imap_user, make_mail):
    dovecot.deliver(imap_user, make_mail(subject="Cifrada"))
    assert poll_due().polled["soporte-imap"].stored == 1
    assert InboundMessage.objects.get().subject == "Cifrada"


@pytest.mark.django_db(transaction=True)
def test_rotated_key_still_logs_in_and_rekey_moves_it(account, keys, dovecot, imap_user):
    before = ImapAccount.objects.get().password_encrypted
    keys.SECRET_KEY, keys.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert poll_due().polled["soporte-imap"].fetched == 0, "the fallback key opens it"
    out = StringIO()
    call_command("mail", "rekey", stdout=out)
    assert out.getvalue().splitlines() == [
        "soporte-imap: password re-encrypted under the current key"
    ]
    after = ImapAccount.objects.get()
    assert after.password_encrypted != before
    keys.SECRET_KEY_FALLBACKS = []  # the old key is gone for good
    assert after.password == imap_user.password
    ImapAccount.objects.update(poll_seconds=0)
    assert "soporte-imap" in poll_due().polled
    out = StringIO()
    call_command("mail", "rekey", stdout=out)
    assert out.getvalue().splitlines() == ["1 already under the current key"]


@pytest.mark.django_db(transaction=True)
def test_wrong_key_is_recorded_on_the_account_not_a_crash(account, keys, dovecot, imap_user):
    keys.SECRET_KEY = NEW_KEY  # the old key lost, no fallback
    report = poll_due()  # the periodic task's body: it must not raise
    assert list(report.failed) == ["soporte-imap"]
    account.refresh_from_db()
    assert account.failures == 1
    assert account.last_error.startswith("SecretDecryptError: the stored IMAP password cannot")
    assert "VENTANILLA_SECRET_KEY_FALLBACKS" in account.last_error
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("mail", "rekey", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "soporte-imap: the stored IMAP password cannot be decrypted" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_clear_text_and_reverses(keys):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("mail", "0003_imap_intake_team")])
    old_apps = (
        MigrationExecutor(connection).loader.project_state([("mail", "0003_imap_intake_team")]).apps
    )
    mailbox = old_apps.get_model("mail", "Mailbox").objects.create(
        name="S", address="s@empresa.es", prefix="S"
    )
    old_account = old_apps.get_model("mail", "ImapAccount")
    old_account.objects.create(mailbox=mailbox, name="a", host="h", username="u", password=PASSWORD)
    old_account.objects.create(mailbox=mailbox, name="oauth", host="h", username="u", password="")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("mail", "0004_imap_password_encrypted")])
        assert not any(PASSWORD in str(value) for row in _stored_rows() for value in row)
        new_apps = executor.loader.project_state([("mail", "0004_imap_password_encrypted")]).apps
        stored = dict(
            new_apps.get_model("mail", "ImapAccount").objects.values_list(
                "name", "password_encrypted"
            )
        )
        assert stored["oauth"] == ""
        from ventanilla.core.encryption import secret_decrypt

        assert secret_decrypt(stored["a"], purpose="IMAP password") == PASSWORD
        executor = MigrationExecutor(connection)
        executor.migrate([("mail", "0003_imap_intake_team")])
        assert dict(old_account.objects.values_list("name", "password")) == {
            "a": PASSWORD,
            "oauth": "",
        }
    finally:
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_idle_survives_a_password_no_key_opens(account, keys):
    """``mail idle`` compares accounts by ciphertext: an unreadable password stops nothing."""
    keys.SECRET_KEY = NEW_KEY
    errors: list[BaseException] = []
    stop = threading.Event()

    def run() -> None:
        try:
            imap_loop.idle_forever(
                lambda: imap_accounts_enabled(idle_only=True), stop, rescan_seconds=0.2
            )
        except Exception as exc:
            errors.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    time.sleep(1.0)  # several rescans, the watcher failing to log in meanwhile
    stop.set()
    runner.join(15)
    assert not runner.is_alive()
    assert errors == []
