"""Agents' replies to the customer and internal notes."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ventanilla.core.signing import ticket_number_from_message_id
from ventanilla.mail.models import OutboundKind, OutboundMessage
from ventanilla.outbound.kinds.reply import reply_subject
from ventanilla.tickets.blobs import blob_get
from ventanilla.tickets.models import (
    Article,
    ArticleDirection,
    ArticleKind,
    Participant,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from ventanilla.tickets.replies import ticket_note_add, ticket_reply

# Mail is delivered and processed on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(deliver, make_mail, mailbox):
    """A ticket opened by Lucía's mail; returns (ticket, her Message-ID)."""
    mailbox.signature = "Soporte Empresa · 900 000 000"
    mailbox.save()
    first_id = make_msgid(domain="cliente.es")
    inbound = deliver(make_mail(message_id=first_id))
    return Ticket.objects.get(pk=inbound.ticket_id), first_id


@pytest.fixture
def ana(make_agent, team):
    return make_agent(
        "ana", teams=[team], first_name="Ana", last_name="Ruiz", signature="Ana Ruiz\nTécnica"
    )


def _parsed(outbound: OutboundMessage) -> EmailMessage:
    mail = message_from_bytes(bytes(outbound.raw), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


def _plain(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_reply_headers_thread_to_the_conversation(conversation, ana):
    ticket, first_id = conversation
    article = ticket_reply(ticket=ticket, author=ana, text="Hola Lucía,\n\nYa está arreglado.")

    outbound = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    mail = _parsed(outbound)
    assert mail["From"].addresses[0].display_name == "Ana Ruiz (Soporte Empresa)"
    assert mail["From"].addresses[0].addr_spec == "soporte@empresa.es"
    assert mail["To"].addresses[0].addr_spec == "lucia@cliente.es"
    assert mail["Subject"] == f"[{ticket.number}] Re: No puedo acceder a la intranet"
    assert mail["In-Reply-To"] == first_id
    assert mail["References"].split()[-1] == first_id
    assert ticket_number_from_message_id(mail["Message-ID"]) == ticket.number
    assert "Auto-Submitted" not in mail  # a person wrote it: the customer may answer
    body = _plain(mail)
    assert body.startswith("Hola Lucía,\n\nYa está arreglado.\n\n-- \nAna Ruiz\nTécnica\n")
    assert "Soporte Empresa · 900 000 000" in body
    assert mail.get_body(("html",)) is None  # no formatting used: plain text only

    assert article.direction == ArticleDirection.OUT
    assert article.kind == ArticleKind.MAIL
    assert article.author == ana
    assert article.outbound == outbound
    assert article.message_id == outbound.message_id
    assert article.new_text == "Hola Lucía,\n\nYa está arreglado."
    assert article.to == [{"name": "Lucía Pérez", "email": "lucia@cliente.es"}]


def test_first_reply_opens_the_ticket_and_stamps_the_first_response(conversation, ana):
    ticket, _ = conversation
    assert ticket.status == TicketStatus.NEW
    article = ticket_reply(ticket=ticket, author=ana, text="Lo miramos.")
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == TicketStatus.OPEN
    assert fresh.first_response_at is not None
    assert TicketEvent.objects.filter(
        ticket=ticket, kind="reply-queued", actor="ana", data__article_id=article.pk
    ).exists()
    first = fresh.first_response_at
    ticket_reply(ticket=fresh, author=ana, text="Otra cosa.")
    assert Ticket.objects.get(pk=ticket.pk).first_response_at == first


def test_pending_reply_waits_on_the_customer_and_the_answer_reopens(
    conversation, ana, deliver, make_mail
):
    ticket, first_id = conversation
    ticket_reply(ticket=ticket, author=ana, text="¿Qué navegador usa?", pending=True)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PENDING

    ours = OutboundMessage.objects.get(kind=OutboundKind.REPLY).message_id
    answer = deliver(
        make_mail(
            subject="Re: otra cosa sin número",
            body="Uso Firefox.\n",
            in_reply_to=f"<{ours}>",
            references=f"{first_id} <{ours}>",
        )
    )
    assert answer.ticket_id == ticket.pk
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_answer_threads_back_with_only_references(conversation, ana, deliver, make_mail):
    ticket, _ = conversation
    ticket_reply(ticket=ticket, author=ana, text="Pruebe ahora.")
    ours = OutboundMessage.objects.get(kind=OutboundKind.REPLY).message_id
    # Some clients (and mailing lists) drop In-Reply-To and keep only References.
    answer = deliver(
        make_mail(
            subject="sin número",
            body="Sigue igual.\n",
            references=f"<unrelated@elsewhere.example> <{ours}>",
        )
    )
    assert answer.ticket_id == ticket.pk
    assert Article.objects.filter(ticket=ticket, direction="in").count() == 2


def test_subject_keeps_one_number_and_one_re():
    number = "SOP-2026-00042"
    assert reply_subject(number=number, subject="Impresora") == f"[{number}] Re: Impresora"
    for subject in (
        f"Re: [{number}] Impresora",
        f"RE: Re: [{number}] Re: Impresora",
        f"[{number}] AW:  Impresora",
    ):
        assert reply_subject(number=number, subject=subject) == f"[{number}] Re: Impresora"
    with translation.override("en"):
        assert reply_subject(number=number, subject="Re:") == f"[{number}] Re: (no subject)"


def test_references_are_capped_to_root_and_recent(conversation, ana, deliver, make_mail):
    ticket, first_id = conversation
    previous = first_id
    ids = [first_id]
    for n in range(14):
        mid = make_msgid(domain="cliente.es")
        deliver(make_mail(body=f"Mensaje {n}\n", message_id=mid, in_reply_to=previous))
        ids.append(mid)
        previous = mid
    assert Article.objects.filter(ticket=ticket).count() == 15

    ticket_reply(ticket=ticket, author=ana, text="Respuesta.")
    mail = _parsed(OutboundMessage.objects.get(kind=OutboundKind.REPLY))
    references = mail["References"].split()
    assert references == [ids[0], *ids[-10:]]
    assert mail["In-Reply-To"] == ids[-1]


def test_formatting_adds_a_safe_html_alternative(conversation, ana):
    ticket, _ = conversation
    text = "Hola,\n\n- **reinicie** el router\n- abra <b>la</b> [web](https://empresa.es/ayuda)"
    article = ticket_reply(ticket=ticket, author=ana, text=text)
    mail = _parsed(OutboundMessage.objects.get(kind=OutboundKind.REPLY))
    part = mail.get_body(("html",))
    assert part is not None
    html = part.get_content()
    assert "<li><strong>reinicie</strong> el router</li>" in html
    assert '<a href="https://empresa.es/ayuda">web</a>' in html
    assert "&lt;b&gt;la&lt;/b&gt;" in html
    assert "<b>" not in html
    assert _plain(mail).startswith(text)
    assert "<strong>reinicie</strong>" in article.html


def test_cc_and_attachments(conversation, ana):
    ticket, _ = conversation
    pdf = b"%PDF-1.4 informe\x00\x01\x02" * 100
    files = [
        SimpleUploadedFile("informe técnico.pdf", pdf, "application/pdf"),
        SimpleUploadedFile("../../etc/notas.txt", b"hola\n", "text/plain; charset=utf-8"),
    ]
    article = ticket_reply(
        ticket=ticket,
        author=ana,
        text="Le adjunto el informe.",
        cc=["Jefe <JEFE@cliente.es>", "lucia@cliente.es"],
        attachments=files,
    )
    outbound = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    assert outbound.recipients == ["lucia@cliente.es", "jefe@cliente.es"]
    mail = _parsed(outbound)
    assert [a.addr_spec for a in mail["Cc"].addresses] == ["jefe@cliente.es"]
    attached = list(mail.iter_attachments())
    assert [a.get_filename() for a in attached] == ["informe técnico.pdf", "notas.txt"]
    assert attached[0].get_content() == pdf
    assert attached[0].get_content_type() == "application/pdf"
    assert "Le adjunto el informe." in _plain(mail)

    rows = list(article.attachments.order_by("id"))
    assert [(r.filename, r.content_type, r.size) for r in rows] == [
        ("informe técnico.pdf", "application/pdf", len(pdf)),
        ("notas.txt", "text/plain", 5),
    ]
    assert blob_get(rows[0].sha256) == pdf
    assert article.cc == [{"name": "", "email": "jefe@cliente.es"}]
    assert Participant.objects.filter(ticket=ticket, email="jefe@cliente.es").exists()


def test_invalid_reply_stores_nothing(conversation, ana):
    ticket, _ = conversation
    before = Article.objects.count()
    with pytest.raises(ValidationError):
        ticket_reply(ticket=ticket, author=ana, text="  \n ")
    with pytest.raises(ValidationError, match="no-es-una-direccion"):
        ticket_reply(ticket=ticket, author=ana, text="Hola", cc=["no-es-una-direccion"])
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REPLY).exists()
    assert Article.objects.count() == before
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW


def test_note_is_internal_and_never_mailed(conversation, ana):
    ticket, _ = conversation
    mails_before = OutboundMessage.objects.count()
    note = ticket_note_add(ticket=ticket, author=ana, text="El cliente llamó por teléfono.")
    assert note.kind == ArticleKind.NOTE
    assert note.author == ana
    assert note.outbound is None
    assert note.text.strip() == "El cliente llamó por teléfono."
    assert OutboundMessage.objects.count() == mails_before
    assert TicketEvent.objects.filter(ticket=ticket, kind="note-added", actor="ana").exists()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == TicketStatus.NEW  # a note is no answer
    assert fresh.first_response_at is None
    with pytest.raises(ValidationError):
        ticket_note_add(ticket=ticket, author=ana, text=" ")
