"""The IMAP accounts' admin: pages, the write-only password, and "test connection" on Dovecot."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from imapclient import RECENT

from ventanilla.mail.models import ImapAccount, InboundMessage

PASSWORD = "Clave-IMAP-que-no-se-ve-42"


@pytest.fixture
def admin_client(admin_client):
    """The admin in English (Spanish is the default language; its own test is below)."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def _url(view, *args):
    return reverse(f"admin:mail_imapaccount_{view}", args=args)


def _form(mailbox, **changes):
    """A complete POST of the change form (what the browser sends)."""
    data = {
        "name": "m365",
        "mailbox": str(mailbox.pk),
        "enabled": "on",
        "host": "outlook.office365.com",
        "port": "993",
        "security": "tls",
        "folder": "INBOX",
        "username": "soporte@empresa.es",
        "auth": "password",
        "password": "",
        "token_command": "",
        "after": "seen",
        "move_to": "",
        "batch_size": "200",
        "poll_seconds": "60",
        "use_idle": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _column_values() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM mail_imapaccount")
        return repr(cursor.fetchall())


@pytest.mark.django_db
def test_readme_path_is_the_real_admin_page(admin_client):
    """README: "add an IMAP account in the admin (Mail → IMAP accounts)"."""
    assert _url("changelist") == "/admin/mail/imapaccount/"
    index = admin_client.get("/admin/").content.decode()
    assert 'href="/admin/mail/imapaccount/"' in index
    assert admin_client.get(_url("changelist")).status_code == 200
    add = admin_client.get(_url("add")).content.decode()
    assert 'type="password" name="password"' in add
    assert "password_encrypted" not in add


@pytest.mark.django_db
def test_password_is_write_only_and_blank_keeps_it(admin_client, mailbox):
    response = admin_client.post(_url("add"), _form(mailbox, password=PASSWORD))
    assert response.status_code == 302, response.content.decode()[-3000:]
    account = ImapAccount.objects.get()
    assert account.password == PASSWORD
    assert PASSWORD not in _column_values()

    page = admin_client.get(_url("change", account.pk)).content.decode()
    assert PASSWORD not in page
    assert account.password_encrypted not in page, "not even the ciphertext is rendered"
    assert "A password is stored" in page

    response = admin_client.post(_url("change", account.pk), _form(mailbox, port="143"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.port, account.password) == (143, PASSWORD), "blank keeps the password"

    admin_client.post(_url("change", account.pk), _form(mailbox, password="nueva"))
    account.refresh_from_db()
    assert account.password == "nueva"


@pytest.mark.django_db
def test_form_asks_for_what_the_login_needs(admin_client, mailbox):
    response = admin_client.post(_url("add"), _form(mailbox))
    assert response.status_code == 200
    assert "Enter the password of this IMAP account." in response.content.decode()
    response = admin_client.post(_url("add"), _form(mailbox, auth="xoauth2"))
    assert "XOAUTH2 needs a command that prints a token." in response.content.decode()
    response = admin_client.post(
        _url("add"), _form(mailbox, auth="xoauth2", password="x", token_command="echo tok")
    )
    assert response.status_code == 302
    assert ImapAccount.objects.get().password_encrypted == "", "XOAUTH2 keeps no password"


def _account(mailbox, dovecot, imap_user, password):
    account = ImapAccount(
        mailbox=mailbox,
        name="dovecot",
        host=dovecot.host,
        port=dovecot.imap_port,
        security="none",
        username=imap_user.address,
    )
    account.password = password
    account.save()
    return account


def _run_action(admin_client, account):
    response = admin_client.post(
        _url("changelist"),
        {"action": "test_connection", "_selected_action": [str(account.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db(transaction=True)
def test_test_connection_logs_in_and_fetches_nothing(
    admin_client, mailbox, dovecot, imap_user, make_mail
):
    dovecot.deliver(imap_user, make_mail(subject="No se toca"))
    account = _account(mailbox, dovecot, imap_user, imap_user.password)
    assert _run_action(admin_client, account) == [
        (
            "success",
            f"dovecot: logged in to 127.0.0.1:{dovecot.imap_port} as {imap_user.address}; "
            "folder INBOX holds 1 message. Nothing was fetched.",
        )
    ]
    assert not InboundMessage.objects.exists()
    account.refresh_from_db()
    assert (account.last_uid, account.uidvalidity, account.last_poll_at) == (0, None, None)
    # Read-only (EXAMINE): the message is still \Recent and unread for the next client.
    with dovecot.imap(imap_user) as other:
        [flags] = [d[b"FLAGS"] for d in other.fetch(other.search("ALL"), ["FLAGS"]).values()]
    assert RECENT in flags
    assert set(flags) == {RECENT}


@pytest.mark.django_db(transaction=True)
def test_test_connection_reports_a_wrong_password(admin_client, mailbox, dovecot, imap_user):
    account = _account(mailbox, dovecot, imap_user, "incorrecta")
    [(level, text)] = _run_action(admin_client, account)
    assert level == "error"
    assert text.startswith("dovecot: connection failed: LoginError:")
    assert "uthenticat" in text
    account.refresh_from_db()
    assert account.failures == 0, "a test is not a poll"


@pytest.mark.django_db
def test_admin_page_in_spanish(admin_client, mailbox):
    page = admin_client.get(_url("add"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "No hay ninguna contraseña guardada." in page
    ImapAccount.objects.create(mailbox=mailbox, name="m365", host="h", username="u")
    changelist = admin_client.get(_url("changelist"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Probar la conexión (iniciar sesión y abrir la carpeta)" in changelist
