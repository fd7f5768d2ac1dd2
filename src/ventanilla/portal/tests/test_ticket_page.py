"""The ticket page: what the customer reads, and his answer entering like a mail."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ventanilla.mail.models import InboundMessage, InboundSource, OutboundKind, OutboundMessage
from ventanilla.portal.tests.links_support import mailed_portal_path, page, path_for
from ventanilla.tickets.lifecycle import ticket_resolve
from ventanilla.tickets.merge import ticket_merge
from ventanilla.tickets.models import Article, Attachment, Ticket, TicketStatus
from ventanilla.tickets.replies import ticket_note_add, ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(deliver, make_mail):
    deliver(
        make_mail(
            subject="La impresora no imprime",
            body="No imprime nada.\n",
            message_id="<primero@cliente.es>",
        )
    )
    return Ticket.objects.select_related("customer", "mailbox").get()


@pytest.fixture
def ana(make_agent):
    return make_agent("ana", role="admin")


def _answer(path: str, **data):
    client = Client()
    return client.post(path, data)


def test_facts_in_plain_words(ticket):
    body = page(path_for(ticket)).content.decode()
    assert "Estamos trabajando en ello" in body  # the customer's language: Spanish
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.PENDING)
    assert "Esperando tu respuesta" in page(path_for(ticket)).content.decode()


def test_internal_notes_automatic_articles_and_other_customers_never_appear(
    ticket, deliver, make_mail, ana
):
    ticket_note_add(ticket=ticket, author=ana, text="NOTA INTERNA: cliente moroso")
    ticket_reply(ticket=ticket, author=ana, text="Prueba a reiniciarla, por favor.")
    # An auto-reply from the customer's side threads to the ticket as an automatic article.
    reply = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    deliver(
        make_mail(
            subject="Fuera de la oficina",
            body="RESPUESTA AUTOMATICA: estoy de vacaciones.\n",
            in_reply_to=reply.message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    # Another customer's ticket, with his own copied colleague, merged into Lucía's.
    deliver(
        make_mail(
            sender="Pablo Gil <pablo@otro.es>",
            cc="jefa@otro.es",
            subject="Mi portátil",
            body="MENSAJE DE PABLO: el portátil no arranca.\n",
        )
    )
    ticket_merge(source=Ticket.objects.get(subject="Mi portátil"), target=ticket, actor=None)
    assert Article.objects.filter(ticket=ticket, kind="note").exists()
    assert Article.objects.filter(ticket=ticket, kind="auto-reply").exists()
    body = page(path_for(ticket)).content.decode()
    assert "No imprime nada." in body
    assert "Prueba a reiniciarla" in body  # our reply to her
    assert "NOTA INTERNA" not in body
    assert "RESPUESTA AUTOMATICA" not in body
    assert "MENSAJE DE PABLO" not in body
    assert "pablo@otro.es" not in body
    assert "jefa@otro.es" not in body


def test_a_portal_answer_threads_like_a_mail_and_the_agent_sees_it(ticket, ana):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.PENDING)
    path = path_for(ticket)
    response = Client().post(
        path,
        {
            "text": "Ya la he reiniciado y sigue igual.",
            "files": SimpleUploadedFile("error.txt", b"codigo 42", content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{path}?sent=1"
    inbound = InboundMessage.objects.get(source=InboundSource.PORTAL)
    assert inbound.state == "processed", (inbound.state, inbound.error)
    assert inbound.ticket_id == ticket.pk  # the same ticket
    raw = bytes(inbound.raw)
    assert b"In-Reply-To: <SOP-" in raw  # our signed token
    assert b"<primero@cliente.es>" in raw  # the conversation, in References
    article = Article.objects.get(inbound=inbound)
    assert article.sender_email == "lucia@cliente.es"
    assert article.direction == "in"
    assert "sigue igual" in article.text
    assert Attachment.objects.get(article=article).filename == "error.txt"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN  # pending → open, as a mail does
    assert inbound.authentication["method"] == "portal"
    assert not ticket.possible_spoof
    # An answer to an existing ticket is not acknowledged again.
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACK).count() == 1
    agent = Client()
    agent.force_login(ana)
    assert "sigue igual" in agent.get(f"/t/{ticket.number}/").content.decode()
    sent = page(f"{path}?sent=1").content.decode()
    assert "sigue igual" in sent
    assert 'role="status"' in sent


def test_an_empty_answer_is_refused_and_nothing_is_stored(ticket):
    response = _answer(path_for(ticket), text="   ")
    assert response.status_code == 400
    assert not InboundMessage.objects.filter(source=InboundSource.PORTAL).exists()


def test_still_not_solved_reopens_a_resolved_ticket(ticket, ana):
    ticket_resolve(ticket=ticket, actor=ana, note="Reiniciada la cola.")
    notice = OutboundMessage.objects.get(kind=OutboundKind.RESOLUTION)
    path = mailed_portal_path(notice)  # the resolution notice carries the link
    body = page(path).content.decode()
    assert "Resuelta" in body
    assert _answer(path, still_open="on", text="").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    article = Article.objects.filter(ticket=ticket, direction="in").last()
    assert article is not None
    assert article.text.strip() == "Esto sigue sin estar resuelto."


def test_still_not_solved_after_the_reopen_window_opens_a_follow_up(ticket, ana):
    ticket_resolve(ticket=ticket, actor=ana, note="Reiniciada la cola.")
    long_ago = timezone.now() - timedelta(days=60)
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED, closed_at=long_ago)
    path = path_for(ticket)
    assert "abre una nueva solicitud" in page(path).content.decode()
    assert _answer(path, still_open="on", text="Vuelve a fallar.").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert "Vuelve a fallar." in follow_up.articles.get().text


def test_attachments_download_safely_and_only_from_messages_the_customer_reads(
    ticket, deliver, make_mail
):
    path = path_for(ticket)
    Client().post(
        path,
        {"text": "Adjunto", "files": SimpleUploadedFile("a.html", b"<script>x</script>")},
    )
    mine = Attachment.objects.get(filename="a.html")
    response = page(f"{path}attachments/{mine.pk}/")
    assert response.status_code == 200
    assert response.content == b"<script>x</script>"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Never sent to another site (same-origin: see portal/security.py for why not no-referrer).
    assert response.headers["Referrer-Policy"] in {"no-referrer", "same-origin"}
    # Another customer's attachment, merged into this ticket, is not reachable through it.
    deliver(make_mail(sender="pablo@otro.es", subject="Otro", body="x\n"))
    other = Ticket.objects.get(subject="Otro")
    Client().post(path_for(other), {"text": "y", "files": SimpleUploadedFile("b.txt", b"ajeno")})
    ticket_merge(source=other, target=ticket, actor=None)
    foreign = Attachment.objects.get(filename="b.txt")
    assert page(f"{path}attachments/{foreign.pk}/").status_code == 404


def test_the_answer_form_needs_the_csrf_token(ticket):
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_for(ticket), {"text": "Hola"})
    assert response.status_code == 403
    assert not InboundMessage.objects.filter(source=InboundSource.PORTAL).exists()


def test_the_page_speaks_the_customers_language_unless_he_switches(ticket):
    ticket.customer.language = "en"
    ticket.customer.save(update_fields=["language"])
    path = path_for(ticket)
    assert "We are working on it" in page(path).content.decode()
    client = Client()
    switched = client.post("/p/lang/", {"language": "es", "next": path})
    assert switched.status_code == 302
    assert switched.headers["Location"] == path
    assert "Estamos trabajando en ello" in client.get(path).content.decode()


def test_an_agents_reply_carries_the_link_below_the_signature(ticket, ana):
    ticket_reply(ticket=ticket, author=ana, text="Prueba a reiniciarla.")
    row = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    path = mailed_portal_path(row)
    assert page(path).status_code == 200
    body = message_from_bytes(bytes(row.raw), policy=default).get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert text.index("\n-- \n") < text.index("/p/t/")  # a quoting reply leaves it out
    assert "Tu solicitud en línea:" in text
