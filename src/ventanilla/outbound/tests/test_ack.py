"""The acknowledgement: language, wording in es/en, mailbox templates, and when it is not sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from ventanilla.config import Relay
from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import (
    InboundState,
    Mailbox,
    MailTemplate,
    OutboundKind,
    OutboundMessage,
    OutboundState,
)
from ventanilla.outbound.ack import ack_context, ack_language, ack_preview, ack_render
from ventanilla.outbound.render import render_builtin
from ventanilla.parse.parsing import parse_message
from ventanilla.tickets.models import Ticket, TicketEvent
from ventanilla.tickets.services import ticket_create_from_mail

RECEIVED = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 10:30 in Madrid (CET)


def _ticket(mailbox, *, subject="No puedo acceder a la intranet", name="Lucía Pérez"):
    customer = customer_upsert_from_mail(email="lucia@cliente.es", name=name)
    return ticket_create_from_mail(
        mailbox=mailbox, customer=customer, subject=subject, received_at=RECEIVED, language=""
    )


def _render(ticket, language):
    context = ack_context(
        mailbox=ticket.mailbox,
        number=ticket.number,
        subject=ticket.subject,
        received_at=ticket.received_at,
        customer_name=ticket.customer.name,
        language=language,
    )
    return ack_render(mailbox=ticket.mailbox, language=language, context=context)


@pytest.mark.parametrize(
    ("customer", "detected", "default", "expected"),
    [
        ("en", "es", "es", "en"),
        ("", "en", "es", "en"),
        ("", "", "en", "en"),
        ("", "", "es", "es"),
        ("fr", "de", "en", "en"),  # unsupported values are skipped
    ],
)
def test_language_choice_order(customer, detected, default, expected):
    mailbox = Mailbox(address="soporte@empresa.es", default_language=default)
    assert ack_language(customer_language=customer, detected=detected, mailbox=mailbox) == expected


@pytest.mark.django_db
def test_spanish_content(mailbox):
    ticket = _ticket(mailbox)
    rendered = _render(ticket, "es")
    assert rendered.subject == (
        f"[{ticket.number}] Hemos recibido tu solicitud: No puedo acceder a la intranet"
    )
    text = rendered.text
    assert text.startswith("Hola, Lucía Pérez:\n")
    assert f"hemos abierto el ticket {ticket.number}" in text
    assert f"Referencia: {ticket.number}" in text
    assert "Asunto: No puedo acceder a la intranet" in text
    assert "Recibida el: 24 de noviembre de 2026 a las 10:30 (CET)" in text
    assert "Un agente revisará tu solicitud" in text
    assert "responde a este correo: tu respuesta se añadirá al mismo ticket" in text
    assert "Si surge algún problema, también puedes escribir a incidencias@empresa.es." in text
    assert "Próximos pasos" in text
    assert "\n-- \nSoporte Empresa <soporte@empresa.es>\n" in text


@pytest.mark.django_db
def test_english_content(mailbox):
    ticket = _ticket(mailbox, name="")
    rendered = _render(ticket, "en")
    assert rendered.subject == (
        f"[{ticket.number}] We received your request: No puedo acceder a la intranet"
    )
    text = rendered.text
    assert text.startswith("Hello,\n")
    assert f"opened ticket {ticket.number}" in text
    assert "Received: Nov. 24, 2026, 10:30 a.m. (CET)" in text
    assert "An agent will review your request and answer you by email." in text
    assert "reply to this email: your reply is added to the same ticket" in text
    assert "you can also write to incidencias@empresa.es" in text


@pytest.mark.django_db
def test_plain_text_is_not_html_escaped_and_empty_parts_vanish(mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(fallback_contact="")
    mailbox.refresh_from_db()
    ticket = _ticket(mailbox, subject='Tom & Jerry <b>"hola"</b>')
    rendered = _render(ticket, "es")
    assert rendered.subject.endswith('Tom & Jerry <b>"hola"</b>')
    assert 'Asunto: Tom & Jerry <b>"hola"</b>' in rendered.text
    assert "&amp;" not in rendered.text
    assert "escribir a" not in rendered.text
    assert "\n\n\n" not in rendered.text
    no_subject = _render(_ticket(mailbox, subject=""), "es")
    assert no_subject.subject.endswith("Hemos recibido tu solicitud")
    assert "Asunto: (sin asunto)" in no_subject.text


@pytest.mark.django_db
def test_mailbox_template_overrides_the_builtin(mailbox):
    ticket = _ticket(mailbox)
    template = MailTemplate.objects.create(
        mailbox=mailbox,
        kind="ack",
        language="es",
        subject="Recibido: {{ ticket.subject }}",
        body="Hola {{ customer_name }}, tu número es {{ ticket.number }} ({{ received_at }}).",
    )
    rendered = _render(ticket, "es")
    # The number is put in front when the template leaves it out of the subject.
    assert rendered.subject == f"[{ticket.number}] Recibido: No puedo acceder a la intranet"
    assert rendered.text == (
        f"Hola Lucía Pérez, tu número es {ticket.number} "
        "(24 de noviembre de 2026 a las 10:30 (CET)).\n"
    )
    # English has no template row: the built-in wording is used.
    assert "We received your request" in _render(ticket, "en").subject
    # An edit is picked up (the compiled cache is keyed by updated_at).
    template.body = "Otro texto {{ ticket.number }}"
    template.save()
    assert _render(ticket, "es").text == f"Otro texto {ticket.number}\n"


@pytest.mark.django_db
def test_preview_uses_latest_ticket_or_sample(mailbox):
    template = MailTemplate.objects.create(
        mailbox=mailbox,
        kind="ack",
        language="en",
        subject="[{{ ticket.number }}] ok",
        body="{{ ticket.subject }}",
    )
    sample = ack_preview(template=template)
    assert sample.subject.startswith("[SOP-")
    assert sample.subject.endswith("-00042] ok")
    ticket = _ticket(mailbox, subject="Impresora rota")
    latest = ack_preview(template=template)
    assert latest.subject == f"[{ticket.number}] ok"
    assert latest.text == "Impresora rota\n"


def _context(*, name="Lucía Pérez", subject="Impresora", contact="incidencias@empresa.es"):
    return {
        "ticket": {"number": "SOP-2026-00042", "subject": subject},
        "received_at": "24 de noviembre de 2026 a las 10:30 (CET)",
        "customer_name": name,
        "mailbox": {
            "name": "Soporte",
            "address": "soporte@empresa.es",
            "fallback_contact": contact,
        },
    }


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("template", ["mail/ack_subject.txt", "mail/ack_body.txt"])
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"name": ""},
        {"subject": ""},
        {"contact": ""},
        {"name": "", "subject": "", "contact": ""},
        {"name": "\ue0000\ue001 %(number)s {{ ticket.number }}", "subject": "\ue0002\ue001"},
        {"name": "Ana & <b>", "subject": "Tom & Jerry \"x\" 'y'"},
    ],
)
def test_fast_builtin_rendering_is_exactly_django_rendering(template, language, kw):
    context = _context(**kw)
    with translation.override(language):
        expected = render_to_string(template, context)
    assert render_builtin(template, language, context) == expected
    # Served from the cached skeleton the second time, with other values of the same shape.
    other = _context(**{k: v + " bis" if v else v for k, v in kw.items()})
    with translation.override(language):
        expected = render_to_string(template, other)
    assert render_builtin(template, language, other) == expected


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


# RFC 6532 mail like /work/shared/corpus/mikel-mail/emails/rfc6532/utf8_headers.eml: UTF-8 in
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
