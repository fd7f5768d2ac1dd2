"""The import pipeline's reply steps: imported agents' mail, deferral of orphans, live mail."""

from __future__ import annotations

import mailbox as stdlib_mailbox
from typing import Any

import pytest
from conftest import build_mail

from ventanilla.customers.models import Customer
from ventanilla.imports.archive import archive_sources
from ventanilla.imports.replay import ImportRun as HistoryRun
from ventanilla.imports.replay import import_run_new as history_run_new
from ventanilla.imports.replay import process_now
from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundMessage, InboundState
from ventanilla.pipeline.handlers.imported_reply import DEFERRED_REASON
from ventanilla.pipeline.services import inbound_process
from ventanilla.tickets.models import Article, Ticket

AGENT = "Soporte <soporte@empresa.es>"


def _import(raw: bytes, run: HistoryRun | None, *, source: str = "import") -> InboundMessage:
    inbound = ingest_raw(raw, source=source, send_ack=False, process=False).inbound
    if run is None:
        inbound_process(inbound_id=inbound.pk)
    else:
        process_now(inbound.pk, run)
    inbound.refresh_from_db()
    return inbound


def _customer_mail() -> bytes:
    return build_mail(message_id="<c1@cliente.es>")


def _agent_reply(**kwargs: Any) -> bytes:
    values: dict[str, Any] = {
        "sender": AGENT,
        "to": "Lucía Pérez <lucia@cliente.es>",
        "subject": "Re: No puedo acceder a la intranet",
        "body": "Ya tiene acceso de nuevo.\n",
        "message_id": "<a1@empresa.es>",
        "in_reply_to": "<c1@cliente.es>",
        "references": "<c1@cliente.es>",
        **kwargs,
    }
    return build_mail(**values)


@pytest.mark.django_db
def test_agent_reply_becomes_an_outbound_article_of_the_thread(mailbox):
    run = history_run_new()
    _import(_customer_mail(), run)
    inbound = _import(_agent_reply(), run)
    assert inbound.state == InboundState.PROCESSED
    article = Article.objects.get(message_id="a1@empresa.es")
    assert article.direction == "out"
    assert article.kind == "mail"
    assert article.ticket.customer.email == "lucia@cliente.es"
    assert article.sent_at is not None
    assert article.text.startswith("Ya tiene acceso")
    assert Ticket.objects.count() == 1
    assert not Customer.objects.filter(email="soporte@empresa.es").exists()
    assert run.note == "agent-reply"


@pytest.mark.django_db
def test_orphan_is_deferred_then_outbound_first_in_the_final_pass(mailbox):
    run = history_run_new()
    inbound = _import(_agent_reply(), run)
    assert inbound.state == InboundState.IGNORED
    assert inbound.reasons == [DEFERRED_REASON]
    assert run.deferred == [inbound.pk]
    assert Ticket.objects.count() == 0

    run.final = True
    InboundMessage.objects.filter(pk=inbound.pk).update(state=InboundState.RECEIVED)
    inbound = _import(_agent_reply(), run)
    ticket = Ticket.objects.get()
    # Outbound-first: the customer is the recipient, never the agent.
    assert ticket.customer.email == "lucia@cliente.es"
    assert list(ticket.articles.values_list("direction", flat=True)) == ["out"]


@pytest.mark.django_db
def test_customer_mail_referring_to_unknown_mail_waits_too(mailbox):
    run = history_run_new()
    reply = build_mail(message_id="<c2@cliente.es>", in_reply_to="<a9@empresa.es>")
    assert _import(reply, run).reasons == [DEFERRED_REASON]
    # A first mail (no parent) is never deferred.
    assert _import(_customer_mail(), run).state == InboundState.PROCESSED


@pytest.mark.django_db
def test_automatic_mail_from_the_old_mailbox_is_ignored(mailbox):
    run = history_run_new()
    _import(_customer_mail(), run)
    auto = build_mail(
        sender=AGENT,
        message_id="<ack@empresa.es>",
        in_reply_to="<c1@cliente.es>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    inbound = _import(auto, run)
    assert inbound.state == InboundState.IGNORED
    assert not Article.objects.filter(message_id="ack@empresa.es").exists()


@pytest.mark.django_db
def test_agent_address_and_domain_options(mailbox):
    run = history_run_new(agent_addresses=["Luis@Empresa.es"], agent_domains=["@filial.es"])
    _import(_customer_mail(), run)
    for n, sender in enumerate(("luis@empresa.es", "marta@filial.es")):
        _import(_agent_reply(sender=sender, message_id=f"<x{n}@empresa.es>"), run)
    assert list(Article.objects.order_by("pk").values_list("direction", flat=True)) == [
        "in",
        "out",
        "out",
    ]
    assert not Customer.objects.filter(email__in=["luis@empresa.es", "marta@filial.es"]).exists()


@pytest.mark.django_db
def test_live_mail_is_untouched(mailbox):
    # The step only acts for imports: live mail from our own address is still a loop.
    inbound = _import(_agent_reply(in_reply_to="", references=""), None, source="smtp")
    assert inbound.state == InboundState.IGNORED
    assert "loop" in inbound.rule_hits


@pytest.mark.django_db
def test_reprocessed_import_without_a_run_knows_mailbox_and_agent_logins(mailbox, make_agent):
    make_agent("ana")
    _import(_customer_mail(), None)
    _import(_agent_reply(sender="ana@empresa.es"), None)
    article = Article.objects.get(message_id="a1@empresa.es")
    assert article.direction == "out"
    assert article.author is not None
    assert article.author.username == "ana"


def test_mbox_split_matches_the_standard_library(tmp_path):
    path = tmp_path / "box.mbox"
    box = stdlib_mailbox.mbox(path)
    messages = [
        build_mail(body="From the start of a line\n\n>From quoted\n"),
        build_mail(body="second\n\n\n"),
        b"Subject: no final newline\n\nbody",
    ]
    for raw in messages:
        box.add(raw)
    box.close()
    reader = stdlib_mailbox.mbox(path)
    expected = [reader.get_bytes(key) for key in reader.iterkeys()]
    (source,) = archive_sources([path])
    assert [item.raw for item in source.items()] == expected
    assert source.count() == len(expected) == 3
