"""The resolution notice copies the ticket's participants, like an agent's reply copies Cc."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.lifecycle import ticket_resolve
from ventanilla.tickets.models import Article, ArticleKind, Participant, Ticket
from ventanilla.tickets.replies import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Contraseña restablecida."


@pytest.fixture
def agent(make_agent):
    return make_agent("ana")


def _notice(ticket: Ticket):
    outbound = OutboundMessage.objects.get(ticket=ticket, kind=OutboundKind.RESOLUTION)
    return outbound, message_from_bytes(bytes(outbound.raw), policy=policy.default)


def _cc(mail) -> list[str]:
    header = mail["Cc"]
    return [a.addr_spec for a in header.addresses] if header is not None else []


def test_notice_copies_the_cc_of_the_customers_mail(deliver, make_mail, agent):
    deliver(
        make_mail(
            message_id="<m1@cliente.es>",
            cc="Luis Martín <Luis@Cliente.es>, Marta <marta@cliente.es>",
        )
    )
    ticket = Ticket.objects.get()
    assert set(ticket.participants.values_list("email", flat=True)) >= {"marta@cliente.es"}
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    outbound, mail = _notice(ticket)
    assert _cc(mail) == ["luis@cliente.es", "marta@cliente.es"]
    assert [a.addr_spec for a in mail["To"].addresses] == ["lucia@cliente.es"]
    # The relay is told about every recipient (RFC 5321 envelope), the customer once.
    assert sorted(outbound.recipients) == [
        "lucia@cliente.es",
        "luis@cliente.es",
        "marta@cliente.es",
    ]
    article = Article.objects.get(ticket=ticket, outbound=outbound)
    assert [c["email"] for c in article.cc] == ["luis@cliente.es", "marta@cliente.es"]


def test_notice_copies_who_an_agent_copied(deliver, make_mail, agent):
    deliver(make_mail(message_id="<m2@cliente.es>"))
    ticket = Ticket.objects.get()
    ticket_reply(ticket=ticket, author=agent, text="Lo miramos.", cc=["Jefe <jefe@cliente.es>"])
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    _, mail = _notice(ticket)
    assert _cc(mail) == ["jefe@cliente.es"]


def test_notice_skips_loops_robots_duplicates_and_bad_addresses(deliver, make_mail, agent):
    deliver(make_mail(message_id="<m3@cliente.es>"))
    ticket = Ticket.objects.get()
    for email in (
        "soporte@empresa.es",  # our own mailbox: a loop
        "SOPORTE@empresa.es",
        "no-reply@cliente.es",  # nobody reads it
        "mailer-daemon@cliente.es",
        "LUCIA@cliente.es",  # the customer, already in To
        "pablo@cliente.es",
        "Pablo@Cliente.ES",  # the same person again
        "eva@cliente.es\r\nBcc: x@evil.example",  # cannot be written (header injection)
        "sin-arroba",
    ):
        Participant.objects.create(ticket=ticket, email=email, role="cc")
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE)
    outbound, mail = _notice(ticket)
    assert _cc(mail) == ["pablo@cliente.es"]
    assert sorted(outbound.recipients) == ["lucia@cliente.es", "pablo@cliente.es"]


def test_no_notice_to_participants_when_the_customer_gets_none(deliver, make_mail, agent):
    deliver(make_mail(message_id="<m4@cliente.es>", cc="luis@cliente.es"))
    ticket = Ticket.objects.get()
    ticket_resolve(ticket=ticket, actor=agent, note=NOTE, notify_customer=False)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.RESOLUTION).exists()
    assert not Article.objects.filter(ticket=ticket, kind=ArticleKind.MAIL, direction="out")
