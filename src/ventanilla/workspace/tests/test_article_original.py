"""The salvage notice on an article and the download of the original message behind it.

The download follows the attachment's rules: anonymous → login, an agent who cannot see
the ticket → 404, everyone who can → the exact bytes received, as a download.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.parse.tests.builders import many_attachments
from ventanilla.tickets.models import Article, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["anonymous", "other", "agent", "supervisor", "admin"]


@pytest.fixture
def salvaged(deliver, teams):
    """A message with 1,200 attachments, delivered for real, on a ticket of team A."""
    raw = many_attachments(1200)
    inbound = deliver(raw)
    article = Article.objects.get(inbound=inbound)
    Ticket.objects.filter(pk=article.ticket_id).update(team=teams[0])
    return raw, article


def _url(article: Article) -> str:
    return reverse("workspace:article-original", args=[article.ticket.number, article.pk])


@pytest.mark.parametrize("role", ROLES)
def test_original_download_follows_ticket_visibility(client, people, salvaged, role):
    raw, article = salvaged
    if role != "anonymous":
        client.force_login(people[role])
    response = client.get(_url(article))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workspace:login"))
    elif role == "other":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert response.content == raw
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert f"{article.ticket.number}-{article.pk}.eml" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_original_of_an_article_of_another_ticket_is_404(client, people, salvaged, make_ticket):
    _raw, article = salvaged
    other_ticket = make_ticket(team=None)
    client.force_login(people["agent"])
    url = reverse("workspace:article-original", args=[other_ticket.number, article.pk])
    assert client.get(url).status_code == 404


def test_an_article_without_a_received_message_has_no_original(client, people, make_ticket, teams):
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    assert client.get(_url(ticket.articles.get())).status_code == 404


def test_the_notice_is_shown_in_spanish(client, people, salvaged):
    _raw, article = salvaged
    client.force_login(people["agent"])
    page = client.get(reverse("workspace:ticket", args=[article.ticket.number])).content.decode()
    assert "Este mensaje era demasiado complejo para mostrarlo entero." in page
    assert "200 partes no se muestran." in page
    assert _url(article) in page
    assert "Descargar el mensaje original" in page


def test_the_notice_is_shown_in_english(client, make_agent, teams, salvaged):
    _raw, article = salvaged
    client.force_login(make_agent("emma", language="en", teams=[teams[0]]))
    page = client.get(reverse("workspace:ticket", args=[article.ticket.number])).content.decode()
    assert "This message was too complex to show in full." in page
    assert "200 parts are not shown." in page
    assert "Download the original message" in page


def test_a_repaired_sender_is_explained(client, people, deliver, teams):
    inbound = deliver(b"From: Soporte\nReply-To: Ana <ana@cliente.es>\nSubject: Hola\n\nTexto\n")
    article = Article.objects.get(inbound=inbound)
    Ticket.objects.filter(pk=article.ticket_id).update(team=teams[0])
    client.force_login(people["agent"])
    page = client.get(reverse("workspace:ticket", args=[article.ticket.number])).content.decode()
    assert "el remitente se ha tomado de Reply-To" in page


def test_an_ordinary_article_has_no_notice(client, people, make_ticket, teams):
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert 'class="salvage"' not in page
