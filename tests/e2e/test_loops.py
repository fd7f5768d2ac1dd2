"""Loops and floods end to end: real SMTP in, real outbox out to a relay.

Every mail our outbox sends reaches an aiosmtpd relay; a *peer* (another helpdesk, a
mirror, a naive vacation bot) answers it, and its answer goes back into our SMTP listener
over a real SMTP session, round after round, until nobody has anything to say. We count
what we sent: the loop must stop within the caps whatever the peer does.

huey runs immediately under test, so processing and our answer happen inside the DATA
handling, before our ``250`` reaches the peer.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, InboundState, OutboundKind, OutboundMessage
from ventanilla.mail.services import mailbox_create
from ventanilla.tickets.models import ArticleKind, Ticket, TicketEvent

from .conftest import Client, Sink, crlf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUPPORT = "soporte@empresa.es"
PEER = "ayuda@otra.es"
# Far above any cap: reaching it means the loop did not stop.
MAX_ROUNDS = 60

Peer = Callable[[EmailMessage], bytes | None]


def _mail(sender: str, subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def _converse(client: Client, relay: Sink, first: bytes, peer: Peer) -> int:
    """Send ``first``, then feed every mail we send to ``peer`` and its answers back to us.

    Returns how many mails we sent to the peer; fails if the loop outlives ``MAX_ROUNDS``.
    """
    client.send(first)
    answered = 0
    for _ in range(MAX_ROUNDS):
        # Our answer is sent before our 250; the short wait only covers a slow relay.
        messages = relay.wait_for(answered + 1, timeout=0.5)
        if len(messages) == answered:
            return answered
        for _rcpts, ours in messages[answered:]:
            answered += 1
            reply = peer(ours)
            if reply is not None:
                client.send(reply)
    pytest.fail(f"the loop did not stop after {MAX_ROUNDS} rounds")


def helpdesk_peer(ours: EmailMessage) -> bytes:
    """Another helpdesk (another Ventanilla) that acknowledges *everything*, RFC 3834-marked.

    The worst such peer: it marks its answer (Auto-Submitted, X-Loop, In-Reply-To) but
    never checks whether what it answers was automatic itself.
    """
    return _mail(
        f"Ayuda Otra <{PEER}>",
        f"[AYU-2026-{time.monotonic_ns() % 100000:05d}] Hemos recibido su solicitud",
        "Hemos recibido su mensaje y le responderemos pronto.\n",
        Auto_Submitted="auto-replied",
        X_Loop=PEER,
        In_Reply_To=str(ours["Message-ID"]),
        References=str(ours["Message-ID"]),
    )


def mirror_peer(ours: EmailMessage) -> bytes:
    """A forwarding loop: the peer sends our own mail straight back, bytes unchanged."""
    return crlf(bytes(ours))


def vacation_bot(subject: str) -> Peer:
    """A naive responder: a plain new mail, no Auto-Submitted, no In-Reply-To, no X-Loop.

    ``subject`` may use ``{ours}``, the subject of the mail it answers.
    """

    def answer(ours: EmailMessage) -> bytes:
        return _mail(
            f"Luis Vega <{PEER}>",
            subject.format(ours=ours["Subject"]),
            "Gracias por su correo. Le contestaré en cuanto pueda.\nLuis\n",
        )

    return answer


def _first_contact() -> bytes:
    return _mail(f"Luis Vega <{PEER}>", "Consulta sobre el contrato", "¿Pueden llamarme?\n")


def _acks() -> int:
    return OutboundMessage.objects.filter(kind=OutboundKind.ACK).count()


def test_two_helpdesks_acknowledging_each_other_stop_at_the_first_hop(client, relay, mailbox):
    sent = _converse(client, relay, _first_contact(), helpdesk_peer)
    assert sent == 1  # our acknowledgement of the first mail, and nothing more
    ticket = Ticket.objects.get()
    # The peer's acknowledgement was kept on the ticket as automatic mail, not answered.
    assert list(ticket.articles.values_list("kind", flat=True).order_by("pk")) == [
        ArticleKind.MAIL,
        ArticleKind.AUTO_REPLY,
    ]
    assert _acks() == 1


def test_a_mirror_sending_our_mail_back_is_a_loop(client, relay, mailbox):
    sent = _converse(client, relay, _first_contact(), mirror_peer)
    assert sent == 1
    reflected = InboundMessage.objects.order_by("pk").last()
    assert reflected is not None
    assert reflected.state == InboundState.IGNORED
    assert "loop" in reflected.rule_hits
    assert Ticket.objects.count() == 1


def test_two_of_our_own_mailboxes_never_answer_each_other(client, relay, mailbox):
    mailbox_create(name="Ayuda", address=PEER, prefix="AYU")
    # Mail from one of our mailboxes to another: the first hop is already discarded.
    sent = _converse(client, relay, _first_contact(), helpdesk_peer)
    assert sent == 0
    assert Ticket.objects.count() == 0
    assert InboundMessage.objects.get().rule_hits[:1] == ["loop"]


def test_bot_quoting_our_subject_joins_its_ticket(client, relay, mailbox):
    sent = _converse(client, relay, _first_contact(), vacation_bot("Aviso: {ours}"))
    # Its answer carries our ticket number and comes from the ticket's customer: a reply.
    assert sent == 1
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().articles.count() == 2


def test_vacation_subject_is_recognised_as_automatic(client, relay, mailbox):
    sent = _converse(client, relay, _first_contact(), vacation_bot("De vacaciones"))
    assert sent == 1
    assert "auto-submitted" in InboundMessage.objects.order_by("pk").last().rule_hits


def test_bot_stripping_every_sign_is_capped_by_the_rate_limit(client, relay, mailbox):
    sent = _converse(client, relay, _first_contact(), vacation_bot("Información"))
    # Every bot answer looks like a new request: acknowledged until the per-sender limit.
    assert sent == mailbox.ack_limit
    assert _acks() == mailbox.ack_limit
    assert Ticket.objects.count() == mailbox.ack_limit + 1
    bot = Customer.objects.get(email=PEER)
    assert bot.flagged_at is not None
    assert TicketEvent.objects.filter(kind="sender-flagged").count() == 1


FLOOD = 500


def test_one_sender_flooding_gets_tickets_capped_acks_and_a_flag(smtp_listener, relay, mailbox):
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", smtp_listener.port, timeout=60) as smtp:
        for n in range(FLOOD):
            raw = _mail("Pesado <pesado@cliente.es>", f"Urgente {n}", f"Mensaje número {n}.\n")
            smtp.sendmail("pesado@cliente.es", [SUPPORT], crlf(raw))
    seconds = time.monotonic() - started
    print(f"\n{FLOOD} mails over SMTP in {seconds:.1f} s ({FLOOD / seconds:.0f}/s)")
    customer = Customer.objects.get(email="pesado@cliente.es")
    assert Ticket.objects.filter(customer=customer).count() == FLOOD
    assert len(relay.wait_for(mailbox.ack_limit + 1, timeout=1.0)) == mailbox.ack_limit
    assert _acks() == mailbox.ack_limit
    assert customer.flagged_at is not None
    assert customer.flag_reason
    assert TicketEvent.objects.filter(kind="sender-flagged").count() == 1
    limited = TicketEvent.objects.filter(kind="ack-suppressed", data__reasons=["rate-limit"])
    assert limited.count() == FLOOD - mailbox.ack_limit
