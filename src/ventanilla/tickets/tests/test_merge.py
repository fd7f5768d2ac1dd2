"""Merging tickets: what moves, what stays, and mail to the old ticket landing in the new one."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core.exceptions import ValidationError

from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.lifecycle import ticket_merge, ticket_tags_set
from ventanilla.tickets.models import Attachment, Ticket, TicketStatus
from ventanilla.tickets.selectors import ticket_follow_merges

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent(make_agent):
    return make_agent("ana")


def _with_attachment(make_mail) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Marta Ruiz <marta@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Cc"] = "Lucía Pérez <lucia@cliente.es>, Jefe <jefe@cliente.es>"
    msg["Subject"] = "La intranet tampoco me va"
    msg["Message-ID"] = "<marta-1@cliente.es>"
    msg.set_content("Adjunto captura.\n")
    msg.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="captura.png")
    return msg.as_bytes()


@pytest.fixture
def pair(deliver, make_mail, agent):
    """target: Lucía's ticket (Cc jefe); source: Marta's, Cc Lucía and jefe, with a file."""
    deliver(make_mail(message_id="<lucia-1@cliente.es>", cc="Jefe <jefe@cliente.es>"))
    deliver(_with_attachment(make_mail))
    target, source = Ticket.objects.order_by("pk")
    ticket_tags_set(ticket=target, names=["intranet"], actor=agent)
    ticket_tags_set(ticket=source, names=["intranet", "urgente"], actor=agent)
    return source, target


def test_merge_moves_conversation_people_and_tags(pair, agent):
    source, target = pair
    result = ticket_merge(source=source, target=target, actor=agent)
    source.refresh_from_db()
    assert result.pk == target.pk
    assert source.status == TicketStatus.CLOSED
    assert source.merged_into == target
    assert not source.articles.exists()
    assert [a.message_id for a in target.articles.order_by("created_at", "pk")] == [
        "lucia-1@cliente.es",
        "marta-1@cliente.es",
    ]
    attachment = Attachment.objects.get()
    assert attachment.article.ticket == target  # files come with their article
    # Marta (the source's customer) joins; Lucía is the target's customer; jefe only once.
    assert sorted(target.participants.values_list("email", flat=True)) == [
        "jefe@cliente.es",
        "marta@cliente.es",
    ]
    assert not source.participants.exists()
    assert sorted(target.tags.values_list("name", flat=True)) == ["intranet", "urgente"]
    change = source.events.filter(kind="status-changed").latest("pk")
    assert (change.data["edge"], change.actor) == ("merge", "ana")
    for side in (source, target):
        event = side.events.get(kind="merged")
        assert (event.data["source"], event.data["target"]) == (source.number, target.number)
        assert event.data["moved"] == {"articles": 1, "participants": 1, "tags": 1}
    assert source.events.filter(kind="created").exists()  # history stays where it happened


def test_mail_to_the_merged_ticket_lands_in_the_target(pair, agent, deliver, make_mail):
    source, target = pair
    ack = OutboundMessage.objects.get(kind=OutboundKind.ACK, ticket=source)
    ticket_merge(source=source, target=target, actor=agent)
    cases = [
        # a reply to our acknowledgement of the old ticket (signed token)
        {"in_reply_to": ack.message_id, "subject": "Re: algo"},
        # a reply to the old ticket's own mail (known Message-ID)
        {"in_reply_to": "<marta-1@cliente.es>", "subject": "Re: algo"},
        # the old number in the subject, from the old ticket's customer
        {"subject": f"Re: [{source.number}] sigue igual"},
    ]
    for index, case in enumerate(cases):
        inbound = deliver(
            make_mail(sender="Marta Ruiz <marta@cliente.es>", body=f"Caso {index}\n", **case)
        )
        assert inbound.ticket_id == target.pk, case
    assert Ticket.objects.count() == 2
    assert target.articles.count() == 2 + len(cases)
    source.refresh_from_db()
    assert source.status == TicketStatus.CLOSED  # mail never reopens the merged source


def test_old_number_from_a_stranger_does_not_thread(pair, agent, deliver, make_mail):
    source, target = pair
    ticket_merge(source=source, target=target, actor=agent)
    inbound = deliver(make_mail(sender="otro@ajeno.es", subject=f"[{source.number}] hola"))
    assert inbound.ticket_id not in (source.pk, target.pk)


def test_refused_merges(pair, agent, deliver, make_mail):
    source, target = pair
    with pytest.raises(ValidationError):
        ticket_merge(source=target, target=target, actor=agent)
    Ticket.objects.filter(pk=target.pk).update(status=TicketStatus.CLOSED)
    with pytest.raises(ValidationError) as closed:
        ticket_merge(source=source, target=target, actor=agent)
    assert closed.value.code == "closed"
    Ticket.objects.filter(pk=target.pk).update(status=TicketStatus.OPEN)
    ticket_merge(source=source, target=target, actor=agent)
    deliver(make_mail(subject="Tercero", sender="otra@cliente.es"))
    third = Ticket.objects.latest("pk")
    for kwargs in ({"source": source, "target": third}, {"source": third, "target": source}):
        with pytest.raises(ValidationError) as merged:
            ticket_merge(actor=agent, **kwargs)
        assert merged.value.code == "merged"
    assert third.articles.count() == 1


def test_follow_merges_chain_and_loop_guard(deliver, make_mail):
    for index in range(3):
        deliver(make_mail(subject=f"T{index}", sender=f"c{index}@cliente.es"))
    a, b, c = Ticket.objects.order_by("pk")
    Ticket.objects.filter(pk=a.pk).update(merged_into=b)
    Ticket.objects.filter(pk=b.pk).update(merged_into=c)
    a.refresh_from_db()
    assert ticket_follow_merges(a) == c
    assert ticket_follow_merges(c) == c
    Ticket.objects.filter(pk=c.pk).update(merged_into=a)  # a loop, only by hand
    a.refresh_from_db()
    assert ticket_follow_merges(a) == c  # stops before repeating a ticket
