"""The admin renders for a superuser, shows mail as escaped text, and its actions work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import (
    BlockedSender,
    InboundMessage,
    InboundState,
    MailTemplate,
    OutboundMessage,
    OutboundState,
)
from ventanilla.pipeline.services import inbound_process, inbound_quarantine
from ventanilla.tickets.models import Ticket

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def data(mailbox, make_mail):
    """One processed mail (ticket + queued ack) and one quarantined mail."""
    raw = make_mail(
        subject=f"Ayuda {HOSTILE}", body=f"Hola {HOSTILE}\n", message_id="<a1@cliente.es>"
    )
    inbound = ingest_raw(raw, source="smtp", envelope_to=[mailbox.address], process=False).inbound
    inbound_process(inbound_id=inbound.pk)
    quarantined = ingest_raw(
        make_mail(subject="Roto", message_id="<q1@cliente.es>", sender="Ana <ana@cliente.es>"),
        source="smtp",
        envelope_to=[mailbox.address],
        process=False,
    ).inbound
    inbound_quarantine(inbound_id=quarantined.pk, error="Traceback: boom")
    template = MailTemplate.objects.create(
        mailbox=mailbox,
        kind="ack",
        language="es",
        subject="Recibido {{ ticket.number }}",
        body="Hola {{ customer_name }}: {{ ticket.subject }}",
    )
    BlockedSender.objects.create(pattern="@spam.example", reason="spam")
    return {
        "inbound": inbound,
        "quarantined": quarantined,
        "ticket": Ticket.objects.get(),
        "outbound": OutboundMessage.objects.get(),
        "template": template,
    }


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.django_db
def test_changelists_render(admin_client, data):
    for model in (InboundMessage, OutboundMessage, MailTemplate, BlockedSender, Ticket):
        response = admin_client.get(_url(model, "changelist"))
        assert response.status_code == 200, model
    response = admin_client.get(_url(InboundMessage, "changelist"), {"state__exact": "quarantined"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _url(InboundMessage, "change", data["quarantined"].pk) in html
    assert "Traceback: boom" in html  # why it is in quarantine, in the list itself
    assert _url(InboundMessage, "change", data["inbound"].pk) not in html
    mailbox_list = admin_client.get(reverse("admin:mail_mailbox_changelist"))
    assert "soporte@empresa.es" in mailbox_list.content.decode()


@pytest.mark.django_db
def test_change_pages_render_mail_as_escaped_text(admin_client, data):
    pages = [
        _url(InboundMessage, "change", data["inbound"].pk),
        _url(OutboundMessage, "change", data["outbound"].pk),
        _url(Ticket, "change", data["ticket"].pk),
        reverse("admin:mail_mailbox_change", args=(data["ticket"].mailbox_id,)),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert HOSTILE not in html, url
    inbound_page = admin_client.get(pages[0]).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in inbound_page
    assert "Message-ID: &lt;a1@cliente.es&gt;" in inbound_page
    outbound_page = admin_client.get(pages[1]).content.decode()
    assert "Auto-Submitted: auto-replied" in outbound_page
    ticket_page = admin_client.get(pages[2]).content.decode()
    assert data["ticket"].number in ticket_page
    assert "ack-queued" in ticket_page  # the events inline


@pytest.mark.django_db
def test_template_preview(admin_client, data):
    response = admin_client.get(_url(MailTemplate, "change", data["template"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Recibido {data['ticket'].number}" in html
    # The latest ticket's subject, escaped: never rendered as HTML.
    assert "Hola Lucía Pérez: Ayuda &lt;script&gt;" in html
    assert HOSTILE not in html
    assert admin_client.get(_url(MailTemplate, "add")).status_code == 200


@pytest.mark.django_db
def test_template_with_syntax_error_is_refused(admin_client, data, mailbox):
    response = admin_client.post(
        _url(MailTemplate, "add"),
        {
            "mailbox": mailbox.pk,
            "kind": "ack",
            "language": "en",
            "subject": "{% if %}",
            "body": "x",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not MailTemplate.objects.filter(language="en").exists()


@pytest.mark.django_db
def test_reprocess_action(admin_client, data):
    response = admin_client.post(
        _url(InboundMessage, "changelist"),
        {
            "action": "reprocess",
            "_selected_action": [data["quarantined"].pk, data["inbound"].pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    data["quarantined"].refresh_from_db()
    assert data["quarantined"].state == InboundState.PROCESSED, data["quarantined"].error
    assert Ticket.objects.count() == 2
    # The admin speaks the default language, Spanish; the processed one was skipped.
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "1 mensaje procesado de nuevo.",
        "1 mensaje omitido: solo se pueden volver a procesar los mensajes en cuarentena.",
    ]


@pytest.mark.django_db
def test_retry_now_action(admin_client, data):
    outbound = data["outbound"]
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        state=OutboundState.FAILED, attempts=7, last_error="554 no"
    )
    response = admin_client.post(
        _url(OutboundMessage, "changelist"),
        {"action": "retry_now", "_selected_action": [outbound.pk]},
    )
    assert response.status_code == 302
    outbound.refresh_from_db()
    assert (outbound.state, outbound.attempts, outbound.next_attempt_at) == (
        OutboundState.QUEUED,
        0,
        None,
    )
