"""The ticket page: conversation, safe HTML, attachments, canned text, errors as messages."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from ventanilla.tickets.blobs import blob_put
from ventanilla.tickets.models import Article, Attachment, CannedResponse, TicketEvent


@pytest.fixture
def ana(client, people):
    client.force_login(people["agent"])
    return client


def test_conversation_in_order_with_kinds_marked(ana, people, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    Article.objects.create(
        ticket=ticket, direction="out", kind="mail", text="Respuesta", author=people["agent"]
    )
    Article.objects.create(ticket=ticket, direction="out", kind="note", text="Nota interna")
    Article.objects.create(
        ticket=ticket, direction="in", kind="auto-reply", text="Estoy de vacaciones"
    )
    Article.objects.create(ticket=ticket, direction="in", kind="bounce", text="Undelivered")
    body = ana.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    positions = [
        body.index(t)
        for t in ("la VPN no conecta", "Respuesta", "Nota interna", "Estoy de vacaciones")
    ]
    assert positions == sorted(positions)
    for css in ("k-note", "k-auto-reply", "k-bounce"):
        assert css in body
    assert "nota interna" in body.lower()


def test_new_text_first_quoted_history_folded(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    body = ana.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    article = body.split(f'id="article-{ticket.articles.get().pk}"', 1)[1].split("</article>")[0]
    new_text_at = article.index("la VPN no conecta")
    details_at = article.index("<details>")
    assert new_text_at < details_at
    # The HTML body sits in a sandboxed iframe (no scripts, no same origin).
    iframe = article.split("<iframe", 1)[1].split(">", 1)[0]
    assert " sandbox " in iframe
    assert "allow-" not in iframe


def test_remote_images_blocked_until_asked(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    article = ticket.articles.get()
    page = ana.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    srcdoc = html.unescape(page.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0])
    assert "img-src data:" in srcdoc
    assert ' src="https://tracker.example' not in srcdoc
    assert 'data-remote-src="https://tracker.example' in srcdoc
    url = reverse("workspace:article-body", args=[ticket.number, article.pk])
    assert f'hx-get="{url}?images=1"' in page
    shown = ana.get(url + "?images=1").content.decode()
    srcdoc = html.unescape(shown.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0])
    assert '<img src="https://tracker.example/p.gif"' in srcdoc
    assert "img-src https: http: data:" in srcdoc
    assert "Show remote images" not in shown
    assert "Mostrar imágenes remotas" not in shown


def test_attachment_download_headers(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    payload = b"<html><script>alert(1)</script></html>"
    attachment = Attachment.objects.create(
        article=ticket.articles.get(),
        filename="factura ñ.html",
        content_type="text/html",
        size=len(payload),
        sha256=blob_put(payload),
    )
    response = ana.get(reverse("workspace:attachment", args=[ticket.number, attachment.pk]))
    assert response.status_code == 200
    assert response.content == payload
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''factura%20%C3%B1.html" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachment_of_another_ticket_is_404(ana, teams, make_ticket):
    mine, other = make_ticket(team=teams[0]), make_ticket(team=teams[0])
    attachment = Attachment.objects.create(
        article=other.articles.get(),
        filename="a.txt",
        content_type="text/plain",
        size=1,
        sha256=blob_put(b"a"),
    )
    url = reverse("workspace:attachment", args=[mine.number, attachment.pk])
    assert ana.get(url).status_code == 404


def test_canned_text_is_rendered_for_the_ticket(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    canned = CannedResponse.objects.create(
        title="Saludo", language="es", body="Hola {{ customer_name }} ({{ ticket_number }})"
    )
    foreign = CannedResponse.objects.create(title="De B", language="es", body="x", team=teams[1])
    text = ana.get(reverse("workspace:canned", args=[ticket.number, canned.pk]))
    assert text.content.decode() == f"Hola Lucía ({ticket.number})"
    assert ana.get(reverse("workspace:canned", args=[ticket.number, foreign.pk])).status_code == 404


def test_service_errors_become_messages(ana, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    url = reverse("workspace:action", args=[ticket.number, "close"])
    response = ana.post(url, follow=True)  # a new ticket cannot be closed
    assert response.status_code == 200
    assert 'class="msg error"' in response.content.decode()
    blank_note = ana.post(
        reverse("workspace:action", args=[ticket.number, "resolve"]), {"note": "  "}, follow=True
    )
    assert 'class="msg error"' in blank_note.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert not TicketEvent.objects.filter(ticket=ticket, kind="status-changed").exists()


def test_history_reads_in_the_agents_language(client, make_agent, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    TicketEvent.objects.create(
        ticket=ticket, kind="status-changed", data={"previous": "new", "new": "open"}
    )
    url = reverse("workspace:ticket", args=[ticket.number])
    client.force_login(make_agent("emma", language="en", teams=[teams[0]]))
    english = client.get(url).content.decode()
    assert "Status new → open" in english
    assert '<html lang="en">' in english
    client.force_login(make_agent("pepe", language="es", teams=[teams[0]]))
    spanish = client.get(url).content.decode()
    assert '<html lang="es">' in spanish
    assert "Status new → open" not in spanish
