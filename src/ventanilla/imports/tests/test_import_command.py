"""``ventanilla mail import``: .eml folders, mbox, Maildir; counts, threading, acks, idempotency."""

from __future__ import annotations

import io
import json
import mailbox as stdlib_mailbox

import pytest
from conftest import build_mail
from django.core.management import call_command
from django.core.management.base import CommandError

from ventanilla.imports.archive import archive_sources
from ventanilla.imports.importer import ImportCounts
from ventanilla.mail.models import InboundMessage, OutboundKind, OutboundMessage
from ventanilla.mail.services import mailbox_create
from ventanilla.ops.management.commands.mail import ProgressBar
from ventanilla.tickets.models import Article, Ticket


def _conversation(tag: str) -> list[bytes]:
    """A new mail, the customer's reply to it, and an out-of-office about something else."""
    new = build_mail(
        subject=f"Factura {tag} duplicada",
        message_id=f"<new-{tag}@cliente.es>",
    )
    reply = build_mail(
        subject=f"Re: Factura {tag} duplicada",
        body="Adjunto el justificante que me pedían.\n",
        message_id=f"<reply-{tag}@cliente.es>",
        in_reply_to=f"<new-{tag}@cliente.es>",
        references=f"<new-{tag}@cliente.es>",
    )
    auto = build_mail(
        sender="Jefe <jefe@cliente.es>",
        subject="Fuera de la oficina",
        body="Estaré fuera hasta el lunes.\n",
        message_id=f"<auto-{tag}@cliente.es>",
        in_reply_to="<unknown-notification@elsewhere.example>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    return [new, reply, auto]


def _run(*args):
    out = io.StringIO()
    call_command("mail", "import", *args, "--json", "--no-progress", stdout=out)
    return json.loads(out.getvalue())


def _assert_threaded(tag: str) -> None:
    """The reply sits on the new mail's ticket; the auto-reply opened nothing."""
    first = Article.objects.get(message_id=f"new-{tag}@cliente.es")
    second = Article.objects.get(message_id=f"reply-{tag}@cliente.es")
    assert first.ticket_id == second.ticket_id
    assert not Article.objects.filter(message_id=f"auto-{tag}@cliente.es").exists()


def _write_folder(folder, messages):
    # Plain string order ("10" < "9") would process the reply before its parent.
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "9.eml").write_bytes(messages[0])
    (folder / "10.eml").write_bytes(messages[1])
    (folder / "sub" / "auto.eml").write_bytes(messages[2])
    (folder / "README.txt").write_text("not mail")
    return folder


@pytest.mark.django_db(transaction=True)
def test_eml_folder_counts_threads_and_is_idempotent(mailbox, tmp_path):
    folder = _write_folder(tmp_path / "eml", _conversation("a"))
    summary = _run(str(folder))
    assert summary["messages"] == 3
    assert summary["tickets_created"] == 1
    assert summary["articles_added"] == 1
    assert summary["ignored"] == 1
    assert summary["errors"] == 0
    _assert_threaded("a")
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"import"}

    again = _run(str(folder))
    assert again["already_imported"] == 3
    assert again["tickets_created"] == again["articles_added"] == 0
    assert Ticket.objects.count() == 1
    assert Article.objects.count() == 2
    assert InboundMessage.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_mbox_file(mailbox, tmp_path):
    path = tmp_path / "archive.mbox"
    box = stdlib_mailbox.mbox(path)
    for raw in _conversation("b"):
        box.add(raw)
    box.close()
    assert archive_sources([path])[0].count() == 3
    summary = _run(str(path))
    assert (summary["messages"], summary["tickets_created"], summary["articles_added"]) == (3, 1, 1)
    _assert_threaded("b")


@pytest.mark.django_db(transaction=True)
def test_maildir_in_delivery_order_skipping_tmp(mailbox, tmp_path):
    root = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    new, reply, auto = _conversation("c")
    (root / "cur" / "1700000001.M5P1.host:2,S").write_bytes(new)
    (root / "new" / "1700000002.M1P1.host").write_bytes(reply)
    (root / "cur" / "1700000003.M9P1.host:2,").write_bytes(auto)
    # A message still being delivered (tmp/) is not ours to take.
    (root / "tmp" / "1700000004.M1P1.host").write_bytes(build_mail(message_id="<tmp@x.es>"))
    summary = _run(str(root))
    assert summary["messages"] == 3
    assert (summary["tickets_created"], summary["articles_added"], summary["ignored"]) == (1, 1, 1)
    _assert_threaded("c")


@pytest.mark.django_db(transaction=True)
def test_acknowledgements_only_with_ack(mailbox, tmp_path):
    quiet = tmp_path / "quiet.eml"
    quiet.write_bytes(build_mail(message_id="<quiet@cliente.es>", sender="ana@cliente.es"))
    summary = _run("--no-ack", str(quiet))
    assert summary["tickets_created"] == 1
    assert OutboundMessage.objects.count() == 0
    assert InboundMessage.objects.get().send_ack is False

    folder = _write_folder(tmp_path / "eml", _conversation("d"))
    _run("--ack", str(folder))
    acks = OutboundMessage.objects.filter(kind=OutboundKind.ACK)
    ticket = Article.objects.get(message_id="new-d@cliente.es").ticket
    # One acknowledgement for the new ticket; none for the reply or the auto-reply.
    assert [a.ticket_id for a in acks] == [ticket.pk]


@pytest.mark.django_db(transaction=True)
def test_unreadable_and_garbage_files_are_counted_not_fatal(mailbox, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "1.eml").write_bytes(build_mail(message_id="<ok@cliente.es>"))
    (folder / "2.eml").write_bytes(b"")
    (folder / "3.eml").symlink_to(tmp_path / "vanished.eml")
    (folder / "4.eml").write_bytes(bytes(range(256)) * 40)
    summary = _run(str(folder))
    assert summary["messages"] == 4
    assert summary["errors"] == 2
    assert {f["source"].rsplit("/", 1)[-1] for f in summary["failures"]} == {"2.eml", "3.eml"}
    counted = sum(
        summary[k]
        for k in ("tickets_created", "articles_added", "ignored", "duplicates", "quarantined")
    )
    # The valid mail and the garbage both went through the pipeline to some outcome.
    assert counted == 2
    assert Article.objects.filter(message_id="ok@cliente.es").exists()


@pytest.mark.django_db(transaction=True)
def test_mailbox_option_and_text_summary(mailbox, tmp_path):
    other = mailbox_create(name="Ventas", address="ventas@empresa.es", prefix="VEN")
    path = tmp_path / "one.eml"
    path.write_bytes(build_mail(to="alguien@empresa.es", message_id="<v1@cliente.es>"))
    out = io.StringIO()
    call_command("mail", "import", str(path), "--mailbox", "Ventas@Empresa.es", stdout=out)
    assert "tickets created: 1" in out.getvalue()
    assert Ticket.objects.get().mailbox == other
    with pytest.raises(CommandError, match="no mailbox"):
        call_command("mail", "import", str(path), "--mailbox", "nadie@empresa.es")
    with pytest.raises(CommandError, match="no such file"):
        call_command("mail", "import", str(tmp_path / "missing.mbox"))


def test_progress_bar_draws_count_rate_and_eta():
    stream = io.StringIO()
    bar = ProgressBar(4, stream)
    bar.update(4, ImportCounts())
    bar.finish()
    line = stream.getvalue()
    assert line.startswith("\r4/4 100.0%")
    assert "msg/s" in line
    assert "ETA 0:00" in line
    assert line.endswith("\n")
