"""The acknowledgement through the whole pipeline (ingest to .eml), and when it is not sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from ventanilla.config import Relay
from ventanilla.mail.models import (
    InboundState,
    Mailbox,
    OutboundKind,
    OutboundMessage,
    OutboundState,
)
from ventanilla.parse.parsing import parse_message
from ventanilla.tickets.models import Ticket, TicketEvent

# --- Through the whole pipeline (ingest → process → outbox → .eml) ---------------------------


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.VENTANILLA_RELAY = Relay(
        host="", port=25, user="", password="", starttls=False, timeout=5
    )
    settings.VENTANILLA_OUTBOX_DIR = tmp_path / "outbox"
    return tmp_path / "outbox"


def _events(kind):
    return list(TicketEvent.objects.filter(kind=kind).order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_new_mail_is_acknowledged_into_the_outbox_folder(deliver, make_mail, outbox_dir):
    inbound = deliver(make_mail(message_id="<m1@cliente.es>"))
    assert inbound.state == InboundState.PROCESSED, inbound.error
    ticket = Ticket.objects.get()
    ack = OutboundMessage.objects.get()
    assert (ack.kind, ack.state, ack.recipients) == (
        OutboundKind.ACK,
        OutboundState.SENT,
        ["lucia@cliente.es"],
    )
    [event] = _events("ack-queued")
    assert event.data == {"outbound_id": ack.pk, "language": "es"}
    [eml] = outbox_dir.glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    # The stdlib may fold right after "Subject:"; the unfolded value then starts with a space.
    assert str(msg["Subject"]).strip().startswith(f"[{ticket.number}] Hemos recibido tu solicitud")
    assert msg["In-Reply-To"] == "<m1@cliente.es>"
    assert msg["Auto-Submitted"] == "auto-replied"
    body = msg.get_body(("plain",))
    assert body is not None
    assert ticket.number in body.get_content()


@pytest.mark.django_db(transaction=True)
def test_english_mail_gets_an_english_ack(deliver, make_mail, outbox_dir):
    deliver(
        make_mail(
            sender="John Smith <john@client.example>",
            subject="Cannot log in to the intranet",
            body=(
                "Hello,\n\nSince this morning I cannot log in to the intranet. "
                "Could you help me?\n\nThanks,\nJohn\n"
            ),
        )
    )
    ack = OutboundMessage.objects.get()
    assert "We received your request" in ack.subject, ack.subject
    assert _events("ack-queued")[0].data["language"] == "en"


@pytest.mark.django_db(transaction=True)
def test_rate_limit_suppresses_but_ticket_exists(deliver, make_mail, mailbox, outbox_dir):
    Mailbox.objects.filter(pk=mailbox.pk).update(ack_limit=2, ack_window_minutes=60)
    for n in range(3):
        inbound = deliver(
            make_mail(subject=f"Problema número {n}", message_id=f"<rl{n}@cliente.es>")
        )
        assert inbound.state == InboundState.PROCESSED, inbound.error
    assert Ticket.objects.count() == 3
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 2
    [suppressed] = _events("ack-suppressed")
    assert suppressed.data == {"reasons": ["rate-limit"]}
    assert suppressed.ticket.subject == "Problema número 2"
    # Once the window has passed, acknowledgements go out again.
    OutboundMessage.objects.all().update(created_at=datetime.now(UTC) - timedelta(minutes=61))
    deliver(make_mail(subject="Problema número 3", message_id="<rl3@cliente.es>"))
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 3


@pytest.mark.django_db(transaction=True)
def test_auto_submitted_mail_is_never_acknowledged(deliver, make_mail, outbox_dir):
    inbound = deliver(
        make_mail(subject="Fuera de la oficina", headers={"Auto-Submitted": "auto-replied"})
    )
    assert inbound.state in {InboundState.IGNORED, InboundState.PROCESSED}, inbound.error
    assert "auto-submitted" in inbound.rule_hits
    assert not OutboundMessage.objects.exists()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("kw", "rule"),
    [
        ({"headers": {"List-Id": "<clientes.lists.cliente.es>"}}, "list-mail"),
        ({"headers": {"Precedence": "list"}}, "list-mail"),
        ({"sender": "Avisos <noreply@cliente.es>"}, "robot-sender"),
    ],
    ids=["list-id", "precedence-list", "noreply"],
)
@pytest.mark.django_db(transaction=True)
def test_lists_and_robots_get_a_ticket_but_no_ack(deliver, make_mail, outbox_dir, kw, rule):
    inbound = deliver(make_mail(**kw))
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert Ticket.objects.count() == 1
    assert not OutboundMessage.objects.exists()
    [suppressed] = _events("ack-suppressed")
    assert rule in suppressed.data["reasons"]


@pytest.mark.django_db(transaction=True)
def test_imported_history_is_not_acknowledged(deliver, make_mail, outbox_dir):
    inbound = deliver(make_mail(), send_ack=False)
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert Ticket.objects.count() == 1
    assert not OutboundMessage.objects.exists()
    assert _events("ack-suppressed")[0].data == {"reasons": ["import"]}
    assert not outbox_dir.exists() or not list(outbox_dir.iterdir())


@pytest.mark.django_db(transaction=True)
def test_our_ack_coming_back_is_dropped_as_a_loop(deliver, make_mail, outbox_dir):
    deliver(make_mail())
    [eml] = outbox_dir.glob("*.eml")
    echoed = deliver(eml.read_bytes())
    assert echoed.state == InboundState.IGNORED
    assert "loop" in echoed.rule_hits
    assert OutboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1


# RFC 6532 mail like the RFC 6532 samples of public mail-parser test suites: UTF-8 in
# the headers, and a sender whose local part is not ASCII.
UTF8_HEADERS = (
    'From: "Jöhn Doe" <jdöe@mächine.example>\r\n'
    'To: "Märy Smith" <märy@exämple.net>\r\n'
    "Subject: Säying Hello\r\n"
    "Message-ID: <utf8@mächine.example>\r\n"
    "\r\n"
    "body\r\n"
).encode()


@pytest.mark.django_db(transaction=True)
def test_rfc6532_sender_gets_a_ticket_and_an_smtputf8_ack(deliver, outbox_dir):
    inbound = deliver(UTF8_HEADERS)
    assert inbound.state == InboundState.PROCESSED, inbound.error
    ticket = Ticket.objects.get()
    assert ticket.customer.email == "jdöe@mächine.example"
    ack = OutboundMessage.objects.get()
    assert ack.state == OutboundState.SENT
    assert ack.recipients == ["jdöe@xn--mchine-bua.example"]
    [eml] = outbox_dir.glob("*.eml")
    sent = parse_message(eml.read_bytes())
    assert [a.email for a in sent.to] == ["jdöe@xn--mchine-bua.example"]
    assert sent.subject.startswith(f"[{ticket.number}] ")
    assert sent.subject.endswith("Säying Hello")
    assert _events("ack-queued")


@pytest.mark.django_db(transaction=True)
def test_unwritable_sender_address_gets_a_ticket_but_no_ack(deliver, make_mail, outbox_dir):
    inbound = deliver(make_mail(sender="Lucía <lucia@cliente..es>"))
    assert inbound.state == InboundState.PROCESSED, inbound.error
    assert Ticket.objects.count() == 1
    assert not OutboundMessage.objects.exists()
    assert _events("ack-suppressed")[0].data == {"reasons": ["bad-recipient"]}
