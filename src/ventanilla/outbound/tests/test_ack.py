"""The acknowledgement: language choice, wording in es/en, mailbox templates, fast rendering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import Mailbox, MailTemplate
from ventanilla.outbound.kinds.ack import ack_context, ack_language, ack_render
from ventanilla.outbound.render import render_builtin
from ventanilla.tickets.outgoing import ack_preview
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
