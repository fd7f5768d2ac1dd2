"""The IMAP poller against a real Dovecot: what is fetched, what happens on the server, commands."""

from __future__ import annotations

import pytest
from imapclient import DELETED, SEEN

from ventanilla.intake.imap_loop import lock_name, poll_due
from ventanilla.intake.tests.imap_support import _flags, _poll, _set_password
from ventanilla.mail.models import ImapAccount, InboundMessage
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_new_mail_is_fetched_once_and_becomes_a_ticket(account, dovecot, imap_user, make_mail):
    dovecot.deliver(imap_user, make_mail(subject="Impresora rota"))
    first = _poll(account)
    second = _poll(account)
    assert (first.fetched, first.stored) == (1, 1)
    assert (second.fetched, second.stored) == (0, 0)
    inbound = InboundMessage.objects.get()
    assert inbound.source == "imap"
    assert inbound.envelope_to == ["soporte@empresa.es"]
    assert Ticket.objects.get().subject == "Impresora rota"
    account.refresh_from_db()
    assert account.last_uid == first.last_uid > 0
    assert account.last_success_at is not None
    assert account.failures == 0


def test_mail_already_read_by_another_client_is_fetched(account, dovecot, imap_user, make_mail):
    dovecot.deliver(imap_user, make_mail(subject="Leído en Outlook"))
    with dovecot.imap(imap_user) as other:
        other.add_flags(other.search("ALL"), [SEEN])
    assert _poll(account).stored == 1
    assert InboundMessage.objects.get().subject == "Leído en Outlook"


def test_after_seen_flags_the_message_and_leaves_it(account, dovecot, imap_user, make_mail):
    dovecot.deliver(imap_user, make_mail(subject="Uno"))
    assert _flags(dovecot, imap_user) == {"Uno": set()}, "fetching must not set \\Seen (PEEK)"
    _poll(account)
    assert _flags(dovecot, imap_user) == {"Uno": {SEEN}}


def test_after_move_moves_to_the_folder(account, dovecot, imap_user, make_mail):
    with dovecot.imap(imap_user) as client:
        client.create_folder("Procesado")
    ImapAccount.objects.filter(pk=account.pk).update(after="move", move_to="Procesado")
    dovecot.deliver(imap_user, make_mail(subject="Mover"))
    assert _poll(account).stored == 1
    assert _flags(dovecot, imap_user) == {}
    assert _flags(dovecot, imap_user, folder="Procesado") == {"Mover": set()}


def test_after_delete_expunges_only_our_message(account, dovecot, imap_user, make_mail):
    # A message from before our time (UID <= last_uid) that another client flags \Deleted
    # without expunging: our UID EXPUNGE (RFC 4315) must leave it alone.
    dovecot.deliver(imap_user, make_mail(subject="Ajeno"))
    with dovecot.imap(imap_user) as other:
        uidvalidity = other.folder_status("INBOX", ["UIDVALIDITY"])[b"UIDVALIDITY"]
        (old_uid,) = other.search("ALL")
        other.add_flags([old_uid], [DELETED])
    ImapAccount.objects.filter(pk=account.pk).update(
        after="delete", uidvalidity=uidvalidity, last_uid=old_uid
    )
    dovecot.deliver(imap_user, make_mail(subject="Borrar"))
    dovecot.deliver(imap_user, make_mail(subject="Borrar 2"))
    assert _poll(account).stored == 2
    assert _flags(dovecot, imap_user) == {"Ajeno": {DELETED}}
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == [
        "Borrar",
        "Borrar 2",
    ]


def test_batch_limit_and_the_rest_on_the_next_polls(account, dovecot, imap_user, make_mail):
    ImapAccount.objects.filter(pk=account.pk).update(batch_size=2)
    for n in range(5):
        dovecot.deliver(imap_user, make_mail(subject=f"Lote {n}"))
    results = [_poll(account) for _ in range(4)]
    assert [r.stored for r in results] == [2, 2, 1, 0]
    assert [r.remaining for r in results] == [True, True, False, False]
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == [
        f"Lote {n}" for n in range(5)
    ]


def test_uidvalidity_change_rereads_the_folder_without_duplicates(
    account, dovecot, imap_user, make_mail
):
    old, new = make_mail(subject="Antiguo"), make_mail(subject="Nuevo")
    with dovecot.imap(imap_user) as client:
        client.create_folder("Soporte")
        client.append("Soporte", old)
    ImapAccount.objects.filter(pk=account.pk).update(folder="Soporte")
    assert _poll(account).stored == 1
    account.refresh_from_db()
    first_validity = account.uidvalidity
    # The folder is recreated (a server migration does this): UIDs start again at 1.
    with dovecot.imap(imap_user) as client:
        client.delete_folder("Soporte")
        client.create_folder("Soporte")
        client.append("Soporte", old)
        client.append("Soporte", new)
    result = _poll(account)
    account.refresh_from_db()
    assert account.uidvalidity != first_validity
    assert (result.fetched, result.stored, result.known) == (2, 1, 1)
    assert account.last_uid == 2
    assert InboundMessage.objects.count() == 2
    assert Ticket.objects.count() == 2


def test_poll_due_respects_interval_and_lock(account, dovecot, imap_user, make_mail):
    from huey.contrib.djhuey import HUEY

    dovecot.deliver(imap_user, make_mail(subject="Periódico"))
    with HUEY.lock_task(lock_name(account.pk)):
        busy = poll_due()
    assert busy.busy == ["soporte-imap"]
    assert not InboundMessage.objects.exists()
    done = poll_due()
    assert done.polled["soporte-imap"].stored == 1
    dovecot.deliver(imap_user, make_mail(subject="Demasiado pronto"))
    assert poll_due().polled == {}, "poll_seconds (60) has not elapsed"
    ImapAccount.objects.filter(pk=account.pk).update(poll_seconds=0)
    assert poll_due().polled["soporte-imap"].stored == 1


def test_poll_command_drains_and_reports(account, dovecot, imap_user, make_mail):
    from io import StringIO

    from django.core.management import call_command

    ImapAccount.objects.filter(pk=account.pk).update(batch_size=2)
    for n in range(3):
        dovecot.deliver(imap_user, make_mail(subject=f"Comando {n}"))
    out = StringIO()
    call_command("mail", "poll", "--account", "soporte-imap", "--drain", stdout=out)
    assert out.getvalue().splitlines() == [
        "soporte-imap: 2 fetched, 2 new, 0 already stored, last UID 2",
        "soporte-imap: 1 fetched, 1 new, 0 already stored, last UID 3",
    ]
    assert InboundMessage.objects.count() == 3


def test_poll_command_fails_on_unknown_account_and_bad_login(account):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no IMAP account nada"):
        call_command("mail", "poll", "--account", "nada")
    _set_password(account, "wrong")
    with pytest.raises(SystemExit) as exit_info:
        call_command("mail", "poll")
    assert exit_info.value.code == 1
