"""The index follows each change in its transaction: create, reply, merge, delete, reprocess."""

from __future__ import annotations

import pytest
from django.db import transaction

from ventanilla.search.api import search
from ventanilla.search.models import SearchDocument
from ventanilla.search.reindex import search_reindex
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _refs(query: str, user) -> list[str]:
    return [h.ref for h in search(query=query, user=user).hits]


def test_mail_creating_a_ticket_is_found(deliver, make_mail, boss):
    deliver(make_mail(subject="Impresora atascada", body="La impresora del almacén no imprime"))
    ticket = Ticket.objects.get()
    assert _refs("almacen", boss) == [ticket.number]


def test_reply_and_note_are_found(make_ticket, boss):
    from ventanilla.tickets.replies import ticket_note_add, ticket_reply

    ticket = make_ticket("VPN", "No conecta")
    ticket_reply(ticket=ticket, author=boss, text="Reinicie el cliente Forticlient, por favor")
    ticket_note_add(ticket=ticket, author=boss, text="Revisar el cortafuegos")
    assert _refs("forticlient", boss) == [ticket.number]
    assert _refs("cortafuegos", boss) == [ticket.number]


def test_merge_moves_the_words_to_the_target(make_ticket, boss):
    from ventanilla.tickets.merge import ticket_merge

    target = make_ticket("VPN", "No conecta")
    source = make_ticket("Otra", "El túnel se cae cada hora")
    ticket_merge(source=source, target=target, actor=boss)
    assert _refs("tunel", boss) == [target.number]


def test_deleted_ticket_leaves_the_index(make_ticket, boss):
    ticket = make_ticket("VPN", "El túnel se cae")
    ticket.delete()
    assert _refs("tunel", boss) == []
    assert not SearchDocument.objects.exists()


def test_a_rolled_back_change_leaves_no_trace(make_ticket, boss):
    from ventanilla.tickets.replies import ticket_note_add

    ticket = make_ticket("VPN", "No conecta")

    def note_then_fail() -> None:
        with transaction.atomic():
            ticket_note_add(ticket=ticket, author=boss, text="Cortafuegos")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        note_then_fail()
    assert _refs("cortafuegos", boss) == []
    assert _refs("conecta", boss) == [ticket.number]


def test_reprocessed_message_is_found(mailbox, make_mail, boss):
    from ventanilla.imports.replay import reprocess
    from ventanilla.intake.ingest import ingest_raw
    from ventanilla.mail.models import InboundMessage, InboundState

    raw = make_mail(subject="Escáner", body="El escáner de la recepción no envía correos")
    inbound = ingest_raw(
        raw, source="test", envelope_from="", envelope_to=[mailbox.address], process=False
    ).inbound
    InboundMessage.objects.filter(pk=inbound.pk).update(state=InboundState.QUARANTINED)
    assert _refs("recepcion", boss) == []
    reprocess(inbound.pk)
    assert _refs("recepcion", boss) == [Ticket.objects.get().number]


def test_reindex_is_idempotent_and_repairs(make_ticket, boss):
    first = make_ticket("VPN", "El túnel se cae")
    make_ticket("Impresora", "La impresora no imprime")
    before = sorted(SearchDocument.objects.values_list("key", "title", "body"))
    assert search_reindex() == 2
    assert search_reindex() == 2
    assert sorted(SearchDocument.objects.values_list("key", "title", "body")) == before
    assert _refs("tunel", boss) == [first.number]
    SearchDocument.objects.all().delete()  # a lost index
    assert _refs("tunel", boss) == []
    search_reindex()
    assert _refs("tunel", boss) == [first.number]
    assert search(query="impresora", user=boss).total == 1


def test_customer_renamed_is_found_by_the_new_name(make_ticket, boss):
    from ventanilla.customers.services import customer_upsert_from_mail

    ticket = make_ticket("VPN", "No conecta")
    customer_upsert_from_mail(email=ticket.customer.email, name="Begoña Etxeberria")
    assert _refs("begona", boss) == [ticket.number]
