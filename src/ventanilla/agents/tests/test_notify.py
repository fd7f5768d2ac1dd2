"""agent_notify: one notification per agent in his language, a threaded mail through the outbox."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.test import override_settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from ventanilla.agents.models import Notification
from ventanilla.agents.notify import agent_notify
from ventanilla.core.signing import ticket_number_for_recipient, ticket_number_from_message_id
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(deliver, make_mail):
    inbound = deliver(make_mail(subject="La VPN no conecta"), send_ack=False)
    assert inbound.ticket is not None
    return inbound.ticket


def _read(outbound: OutboundMessage):
    return message_from_bytes(bytes(outbound.raw), policy=policy.default)


@override_settings(VENTANILLA_BASE_URL="https://help.empresa.es/")
def test_each_agent_gets_a_notice_and_a_mail_in_his_language(ticket, make_agent):
    ana = make_agent("ana", language="es", first_name="Ana")
    bob = make_agent("bob", language="en", first_name="Bob")
    # "Subject:" is a msgid with a Spanish translation: proves evaluation per language.
    text = format_lazy("{} {}", gettext_lazy("Subject:"), ticket.subject)

    notes = agent_notify(users=[ana, bob, ana], ticket=ticket, kind="assigned", text=text)

    assert [(n.user.username, n.text) for n in notes] == [
        ("ana", "Asunto: La VPN no conecta"),
        ("bob", "Subject: La VPN no conecta"),
    ]
    assert Notification.objects.filter(ticket=ticket, kind="assigned").count() == 2
    mails = {
        m.recipients[0]: m for m in OutboundMessage.objects.filter(kind=OutboundKind.NOTIFICATION)
    }
    assert set(mails) == {"ana@empresa.es", "bob@empresa.es"}
    spanish, english = _read(mails["ana@empresa.es"]), _read(mails["bob@empresa.es"])
    assert spanish["Subject"] == f"[{ticket.number}] Asunto: La VPN no conecta"
    assert spanish["Content-Language"] == "es"
    assert english["Content-Language"] == "en"
    assert spanish["Auto-Submitted"] == "auto-replied"
    link = f"https://help.empresa.es/t/{ticket.number}/"
    assert link in spanish.get_content()
    assert link in english.get_content()
    assert "Este mensaje se ha enviado automáticamente." in spanish.get_content()
    assert "This message was sent automatically." in english.get_content()
    assert str(spanish["From"]).endswith("<soporte@empresa.es>")


def test_the_mail_id_is_signed_so_a_reply_threads_to_the_ticket(
    ticket, make_agent, deliver, make_mail
):
    ana = make_agent("ana")
    agent_notify(users=[ana], ticket=ticket, kind="sla-warning", text="SLA")
    outbound = OutboundMessage.objects.get(kind=OutboundKind.NOTIFICATION)
    assert ticket_number_from_message_id(outbound.message_id) == ticket.number

    reply = make_mail(
        sender="Ana <ana@empresa.es>",
        subject="Re: SLA",  # no number in the subject: only the signed id can thread it
        body="Lo miro ahora.\n",
        in_reply_to=f"<{outbound.message_id}>",
    )
    inbound = deliver(reply, send_ack=False)
    assert inbound.ticket_id == ticket.pk
    assert Ticket.objects.count() == 1  # no new ticket was opened


def test_each_mail_id_is_bound_to_the_agent_it_is_sent_to(ticket, make_agent):
    ana, bob = make_agent("ana", email="Ana@Empresa.es"), make_agent("bob")
    agent_notify(users=[ana, bob], ticket=ticket, kind="assigned", text="Asignado")
    mails = {
        m.recipients[0].lower(): m
        for m in OutboundMessage.objects.filter(kind=OutboundKind.NOTIFICATION)
    }
    to_ana, to_bob = mails["ana@empresa.es"].message_id, mails["bob@empresa.es"].message_id
    # Both thread to the ticket like any of our ids...
    assert ticket_number_from_message_id(to_ana) == ticket.number
    assert ticket_number_from_message_id(to_bob) == ticket.number
    # ... but each proves only that it was sent to its own recipient.
    assert ticket_number_for_recipient(to_ana, "ana@empresa.es") == ticket.number
    assert ticket_number_for_recipient(to_ana, "bob@empresa.es") is None
    assert ticket_number_for_recipient(to_bob, "bob@empresa.es") == ticket.number
    assert _read(mails["ana@empresa.es"])["Message-ID"] == f"<{to_ana}>"


def test_email_false_and_inactive_and_addressless_users(ticket, make_agent):
    ana, bob, eve = make_agent("ana"), make_agent("bob", email=""), make_agent("eve")
    eve.is_active = False
    eve.save()

    agent_notify(users=[ana], ticket=ticket, kind="x", text="quiet", email=False)
    notes = agent_notify(users=[bob, eve], ticket=ticket, kind="x", text="t" * 900)

    assert [n.user for n in notes] == [bob]
    assert len(notes[0].text) == 500
    assert Notification.objects.filter(user=ana).count() == 1
    assert not OutboundMessage.objects.filter(kind=OutboundKind.NOTIFICATION).exists()


def test_a_notice_about_no_ticket_is_sent_from_the_support_mailbox(mailbox, make_agent):
    ana = make_agent("ana", language="en")
    notes = agent_notify(users=[ana], ticket=None, kind="digest", text="Hello")
    assert notes[0].ticket is None
    outbound = OutboundMessage.objects.get(kind=OutboundKind.NOTIFICATION)
    assert outbound.mailbox == mailbox
    assert outbound.ticket is None
    assert ticket_number_from_message_id(outbound.message_id) is None
    assert _read(outbound)["Subject"] == "Hello"


def test_a_bad_address_keeps_the_notice_and_the_callers_transaction(ticket, make_agent):
    ana = make_agent("ana")
    ana.email = "not-an-address"
    ana.save()
    notes = agent_notify(users=[ana], ticket=ticket, kind="x", text="t")
    assert len(notes) == 1
    assert Notification.objects.filter(user=ana).count() == 1
    assert not OutboundMessage.objects.filter(kind=OutboundKind.NOTIFICATION).exists()
