"""Migrating an old support mailbox: agents' replies, threads, dates, status, re-runs, dry run.

The archive (``history_archive.old_mailbox``) holds customers' mail, agents' replies from
the mailbox address, from an agent login and from an address named on the command line,
outbound-first threads, replies stored before their originals, and the old tool's own
automatic acknowledgement. Both mbox and Maildir are imported through the real command.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from ventanilla.customers.models import Customer
from ventanilla.imports.archive import archive_sources
from ventanilla.imports.importer import ImportOptions, import_sources
from ventanilla.imports.tests.history_archive import old_mailbox, write_maildir, write_mbox
from ventanilla.mail.models import InboundMessage, InboundState, OutboundMessage
from ventanilla.pipeline.handlers.imported_reply import DEFERRED_REASON
from ventanilla.tickets.models import Article, Ticket, TicketEvent, TicketStatus

AGENT_ADDRESSES = {"soporte@empresa.es", "ana@empresa.es", "pedro@empresa.es"}


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("mail", "import", *args, "--json", "--no-progress", stdout=out)
    summary: dict[str, Any] = json.loads(out.getvalue())
    return summary


def _write(fmt: str, tmp_path, messages: list[bytes]):
    if fmt == "mbox":
        return write_mbox(tmp_path / "old.mbox", messages)
    return write_maildir(tmp_path / "Maildir", messages)


def _table_counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "articles": Article.objects.count(),
        "events": TicketEvent.objects.count(),
        "customers": Customer.objects.count(),
        "inbound": InboundMessage.objects.count(),
        "outbound": OutboundMessage.objects.count(),
    }


def _assert_history(threads, *, status: str) -> None:
    """Every thread is one ticket of its customer, in date order, with the right directions."""
    assert Ticket.objects.count() == len(threads)
    for thread in threads:
        first = Article.objects.get(message_id=thread.mails[0].message_id)
        ticket = first.ticket
        assert ticket.customer.email == thread.customer
        articles = list(ticket.articles.order_by("sent_at"))
        assert [a.message_id for a in articles] == [m.message_id for m in thread.mails]
        assert [a.direction for a in articles] == [m.direction for m in thread.mails]
        assert [a.sent_at for a in articles] == [m.date for m in thread.mails]
        assert ticket.received_at == thread.mails[0].date
        assert ticket.last_activity_at == thread.mails[-1].date
        assert ticket.status == status
        if status == TicketStatus.CLOSED:
            assert ticket.closed_at == ticket.resolved_at == thread.mails[-1].date
        outs = [a for a in articles if a.direction == "out"]
        assert all(a.sender_email in AGENT_ADDRESSES for a in outs)
    # Agents are never customers; nobody was mailed.
    assert not Customer.objects.filter(email__in=AGENT_ADDRESSES).exists()
    assert OutboundMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["mbox", "maildir"])
def test_old_mailbox_becomes_closed_history_and_rerun_changes_nothing(
    mailbox, make_agent, tmp_path, fmt
):
    make_agent("ana")  # ana@empresa.es: recognised as an agent by her login
    threads, messages = old_mailbox()
    path = _write(fmt, tmp_path, messages)
    summary = _run(str(path), "--agent-address", "pedro@empresa.es")

    outs = sum(1 for t in threads for m in t.mails if m.direction == "out")
    ins = sum(1 for t in threads for m in t.mails if m.direction == "in")
    agent_first = sum(1 for t in threads if t.mails[0].direction == "out")
    assert summary["messages"] == len(messages)
    assert summary["tickets_created"] == len(threads)
    assert summary["agent_replies"] == outs
    assert summary["articles_added"] == ins - (len(threads) - agent_first)
    assert summary["ignored"] == 1  # the old tool's automatic acknowledgement
    assert summary["errors"] == summary["quarantined"] == 0
    assert summary["tickets_settled"] == len(threads)
    parts = ("tickets_created", "articles_added", "agent_replies", "ignored", "duplicates")
    # Each message counted once (an agent's mail that opened a thread counts twice).
    assert sum(summary[k] for k in parts) - agent_first == len(messages)
    _assert_history(threads, status=TicketStatus.CLOSED)
    ack = InboundMessage.objects.get(message_id="old-ack-0@empresa.es")
    assert ack.state == InboundState.IGNORED
    assert not InboundMessage.objects.filter(state=InboundState.RECEIVED).exists()

    before = _table_counts()
    again = _run(str(path), "--agent-address", "pedro@empresa.es")
    assert again["already_imported"] == len(messages)
    assert again["tickets_created"] == again["agent_replies"] == again["tickets_settled"] == 0
    assert _table_counts() == before


@pytest.mark.django_db(transaction=True)
def test_status_open_and_agent_domain(mailbox, tmp_path):
    threads, messages = old_mailbox(8)
    path = write_mbox(tmp_path / "old.mbox", messages)
    summary = _run(str(path), "--agent-domain", "empresa.es", "--status", "open")
    assert summary["tickets_created"] == len(threads)
    _assert_history(threads, status=TicketStatus.OPEN)
    # The status went through the one writer, with its audit rows.
    edges = TicketEvent.objects.filter(kind="status-changed").values_list("data", flat=True)
    assert sorted(e["new"] for e in edges) == [TicketStatus.OPEN] * len(threads)


@pytest.mark.django_db(transaction=True)
def test_dry_run_counts_like_the_real_import_and_writes_nothing(mailbox, tmp_path):
    threads, messages = old_mailbox(8)
    path = write_mbox(tmp_path / "old.mbox", messages)
    args = (str(path), "--agent-domain", "empresa.es")
    empty = _table_counts()
    dry = _run(*args, "--dry-run")
    assert _table_counts() == empty
    assert dry["dry_run"] is True
    real = _run(*args)
    assert real["dry_run"] is False
    for key in ("messages", "tickets_created", "articles_added", "agent_replies", "ignored"):
        assert dry[key] == real[key], key
    assert real["tickets_created"] == len(threads)


@pytest.mark.django_db(transaction=True)
def test_ack_only_when_asked(mailbox, tmp_path):
    threads, messages = old_mailbox(2)
    path = write_mbox(tmp_path / "old.mbox", messages)
    _run(str(path), "--agent-domain", "empresa.es", "--ack")
    # One acknowledgement per customer-first thread; none for agents' mail.
    customer_first = sum(1 for t in threads if t.mails[0].direction == "in")
    assert OutboundMessage.objects.count() == customer_first


@pytest.mark.django_db(transaction=True)
def test_without_the_agent_named_his_mail_is_a_customers(mailbox, tmp_path):
    # Without --agent-address, pedro is a customer like any other: documented behaviour.
    _threads, messages = old_mailbox(3)
    path = write_mbox(tmp_path / "old.mbox", messages)
    _run(str(path))
    assert Customer.objects.filter(email="pedro@empresa.es").exists()
    assert not Customer.objects.filter(email="soporte@empresa.es").exists()


class _InterruptedError(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_interrupted_import_finishes_deferred_messages_on_rerun(mailbox, tmp_path):
    threads, messages = old_mailbox(3)
    path = write_mbox(tmp_path / "old.mbox", messages)

    def stop_after_first_pass(done: int, _counts) -> None:
        if done == len(messages):
            raise _InterruptedError  # killed before the deferred messages were processed again

    with pytest.raises(_InterruptedError):
        import_sources(
            archive_sources([path]),
            # One commit per message, so the first pass is stored when it is interrupted.
            options=ImportOptions(agent_domains=["empresa.es"], batch=1),
            progress=stop_after_first_pass,
        )
    deferred = InboundMessage.objects.filter(reasons=[DEFERRED_REASON])
    assert deferred.count() >= 1
    assert threads[2].mails[1].message_id in set(deferred.values_list("message_id", flat=True))

    waiting = deferred.count()
    # The message being imported when it stopped was rolled back with its open batch.
    stored = InboundMessage.objects.count()
    assert stored == len(messages) - 1
    # History is written settled: what the first pass stored is closed already.
    assert not Ticket.objects.exclude(status=TicketStatus.CLOSED).exists()
    again = _run(str(path), "--agent-domain", "empresa.es")
    assert again["already_imported"] == stored - waiting
    assert not InboundMessage.objects.filter(reasons=[DEFERRED_REASON]).exists()
    _assert_history(threads, status=TicketStatus.CLOSED)
